import { internalLogger } from '@nv-one-logger/core';
import type * as tf from '@tensorflow/tfjs';

// FLOPs per sample from the layer shapes, counting multiply-adds as 2 FLOPs (the usual convention for
// throughput figures), for the layers whose cost dominates:
//   Dense            2 · in · out                       (× positions when the input has extra axes, e.g. [t, in])
//   Conv1D           2 · k · cin · cout · outL
//   Conv2D           2 · kh · kw · cin · cout · outH · outW
//   DepthwiseConv2D  2 · kh · kw · cin · multiplier · outH · outW
//   SeparableConv2D  depthwise + 2 · cin · multiplier · cout · outH · outW (pointwise)
// Biases, activations, pooling, normalisation and other layers are not counted. Training (forward + backward)
// is 3 × forward: the backward pass computes gradients for both inputs and weights, about twice the forward.

/** Forward FLOPs of one layer, per sample. */
export interface LayerFlops {
  readonly name: string;
  readonly className: string;
  readonly forwardFlops: number;
}

export interface FlopsEstimate {
  /** Forward FLOPs per sample (sum over counted layers). */
  readonly forwardFlopsPerSample: number;
  /** Forward + backward FLOPs per sample (3 × forward): what `flopsPerSample` means for training throughput. */
  readonly trainingFlopsPerSample: number;
  /** Counted layers (nested models flattened). */
  readonly layers: readonly LayerFlops[];
  /** Layers with weights whose FLOPs are not estimated (give `flopsPerSample` yourself if they matter). */
  readonly unsupportedLayers: readonly string[];
}

export interface EstimateFlopsOptions {
  /** Forward + backward (default) or forward only. */
  training?: boolean;
}

type Shape = ReadonlyArray<number | null>;

interface LayerLike {
  name: string;
  getClassName(): string;
  weights: ReadonlyArray<{ name: string; shape: Shape }>;
  outputShape: Shape | Shape[];
  getConfig(): Record<string, unknown>;
  layers?: LayerLike[];
}

function kernelShape(layer: LayerLike, suffix: string): number[] | undefined {
  const w = layer.weights.find((v) => v.name.endsWith(`/${suffix}`) || v.name === suffix);
  if (w === undefined) return undefined;
  return w.shape.map((d) => {
    if (typeof d !== 'number') throw new Error(`Layer ${layer.name}: weight ${w.name} has an unknown dimension`);
    return d;
  });
}

/** The per-sample output shape (batch axis dropped); every dimension must be known. */
function outputDims(layer: LayerLike): number[] {
  let shape: Shape | Shape[];
  try {
    shape = layer.outputShape;
  } catch (e) {
    throw new Error(`Layer ${layer.name}: its output shape is not known (${(e as Error).message}); pass flopsPerSample explicitly`);
  }
  const single = (Array.isArray(shape[0]) ? shape[0] : shape) as Shape;
  return single.slice(1).map((d) => {
    if (typeof d !== 'number')
      throw new Error(`Layer ${layer.name}: output shape [${single.join(', ')}] has an unknown dimension; pass flopsPerSample explicitly`);
    return d;
  });
}

function product(values: readonly number[]): number {
  let p = 1;
  for (const v of values) p *= v;
  return p;
}

/** Spatial positions of a conv output (channels axis removed according to dataFormat). */
function spatialPositions(layer: LayerLike, dims: number[]): number {
  const channelsFirst = layer.getConfig().dataFormat === 'channelsFirst';
  return product(channelsFirst ? dims.slice(1) : dims.slice(0, -1));
}

function layerForwardFlops(layer: LayerLike): number | undefined {
  switch (layer.getClassName()) {
    case 'Dense': {
      const k = kernelShape(layer, 'kernel');
      if (k === undefined) return undefined;
      const [inUnits = 0, outUnits = 0] = k;
      return 2 * inUnits * outUnits * product(outputDims(layer).slice(0, -1));
    }
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D': {
      const k = kernelShape(layer, 'kernel');
      if (k === undefined) return undefined;
      // kernel = [...window, cin, cout]: 2 · window · cin · cout per output position.
      return 2 * product(k) * spatialPositions(layer, outputDims(layer));
    }
    case 'DepthwiseConv2D': {
      const k = kernelShape(layer, 'depthwise_kernel');
      if (k === undefined) return undefined;
      return 2 * product(k) * spatialPositions(layer, outputDims(layer));
    }
    case 'SeparableConv2D': {
      const d = kernelShape(layer, 'depthwise_kernel');
      const p = kernelShape(layer, 'pointwise_kernel');
      if (d === undefined || p === undefined) return undefined;
      return 2 * (product(d) + product(p)) * spatialPositions(layer, outputDims(layer));
    }
    default:
      return undefined;
  }
}

function collect(layers: readonly LayerLike[], counted: LayerFlops[], unsupported: string[]): void {
  for (const layer of layers) {
    if (Array.isArray(layer.layers)) {
      collect(layer.layers, counted, unsupported);
      continue;
    }
    const flops = layerForwardFlops(layer);
    if (flops !== undefined) counted.push({ name: layer.name, className: layer.getClassName(), forwardFlops: flops });
    else if (layer.weights.length > 0) unsupported.push(`${layer.name} (${layer.getClassName()})`);
  }
}

/** Per-layer FLOPs estimate of a built model (see the formulas at the top of this file). */
export function estimateFlops(model: tf.LayersModel): FlopsEstimate {
  const counted: LayerFlops[] = [];
  const unsupported: string[] = [];
  collect(model.layers as unknown as LayerLike[], counted, unsupported);
  const forward = counted.reduce((sum, l) => sum + l.forwardFlops, 0);
  return { forwardFlopsPerSample: forward, trainingFlopsPerSample: 3 * forward, layers: counted, unsupportedLayers: unsupported };
}

/**
 * FLOPs per sample for `flopsPerSample`: forward + backward (3 × forward) by default, forward only with
 * `{ training: false }`. Layers it cannot estimate are named in a warning; override the value if they matter.
 */
export function estimateFlopsPerSample(model: tf.LayersModel, options: EstimateFlopsOptions = {}): number {
  const estimate = estimateFlops(model);
  if (estimate.unsupportedLayers.length > 0) {
    internalLogger.warning(`FLOPs estimate leaves out layers of unsupported types: ${estimate.unsupportedLayers.join(', ')}`);
  }
  return Math.round(options.training === false ? estimate.forwardFlopsPerSample : estimate.trainingFlopsPerSample);
}
