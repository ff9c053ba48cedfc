import * as tf from '@tensorflow/tfjs';
tf.enableProdMode();
const t0=performance.now();
class CB extends tf.Callback {
  async onTrainBegin(l){ console.log('trainBegin', JSON.stringify(this.params), this.model.constructor.name, this.model.isTraining);
    const m=this.model; const orig=m.testLoop; m.testLoop=function(...a){ console.log('testLoop called', a.length); return orig.apply(this,a);} }
  async onBatchBegin(b,l){ process.stdout.write(`bb${b} `)}
  async onBatchEnd(b,l){ process.stdout.write(`be${b}(${typeof l.loss}) `)}
  async onEpochEnd(e,l){ console.log('epochEnd',e,Object.keys(l), typeof l.val_loss)}
  async onTrainEnd(){ console.log('trainEnd'); delete this.model.testLoop; }
}
const m=tf.sequential({layers:[tf.layers.dense({inputShape:[3],units:4,activation:'relu'}),tf.layers.dense({units:1})]});
m.compile({optimizer:'sgd',loss:'meanSquaredError'});
const x=tf.randomNormal([30,3]), y=tf.randomNormal([30,1]);
await m.fit(x,y,{epochs:2,batchSize:8,validationSplit:0.2,callbacks:[new CB()], verbose:0});
console.log(m.layers.map(l=>[l.getClassName(), l.weights.map(w=>[w.name,w.originalName,w.shape]), l.outputShape]));
console.log('opt iters', m.optimizer.iterations, 'ms', performance.now()-t0);
const ds=tf.data.zip({xs:tf.data.array(x.arraySync()), ys:tf.data.array(y.arraySync())}).batch(8);
console.log('ds size', ds.size);
await m.fitDataset(ds,{epochs:1,validationData:ds,callbacks:[new CB()], verbose:0});
