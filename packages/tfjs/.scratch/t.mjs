const t0 = performance.now();
await import('@tensorflow/tfjs'); console.log('tfjs', performance.now()-t0);
await import('@nv-one-logger/training-telemetry'); console.log('tt', performance.now()-t0);
await import('ajv/dist/2020.js'); console.log('ajv', performance.now()-t0);
