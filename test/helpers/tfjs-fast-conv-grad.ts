// TensorFlow.js' cpu backend computes Conv2DBackpropFilter (a Conv2D's kernel gradient) with a
// loop that reads every element through a bounds-checked buffer: 88 s for one batch of 512
// MNIST images through the tutorial's second convolution, which makes training its CNN in a test
// impossible. useFastConv2dFilterGrad swaps that one kernel for the same sum over a loop order that
// streams memory (float64 accumulation, as the original), for 2D, channels-last, dilation-1
// convolutions; other cases go to the original kernel. The slow test that uses it first checks
// the swap against the original kernel on small cases.
import * as tf from "@tensorflow/tfjs";

type Info = { dataId: object; shape: number[]; dtype: string };
type Backend = { readSync(id: object): Float32Array; makeTensorInfo(shape: number[], dtype: string, values: Float32Array): Info };
type Attrs = { strides: number | [number, number]; pad: "valid" | "same" | number; dataFormat: string; dilations?: number | [number, number]; filterShape: [number, number, number, number]; dimRoundingMode?: string };

const pair = (v: number | [number, number] | undefined, d: number): [number, number] => (v === undefined ? [d, d] : typeof v === "number" ? [v, v] : v);

/** The kernel gradient dW[kh, kw, ci, co] = Σ_n,oh,ow x[n, oh·s + kh - padTop, ow·s + kw - padLeft, ci] · dy[n, oh, ow, co]. */
export function conv2dFilterGrad(x: Float32Array, xShape: number[], dy: Float32Array, dyShape: number[], filterShape: number[], strides: [number, number], padTop: number, padLeft: number): Float32Array {
  const [N, H, W, CI] = xShape, [, OH, OW, CO] = dyShape, [KH, KW] = filterShape;
  const acc = new Float64Array(KH * KW * CI * CO);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const dyAt = ((n * OH + oh) * OW + ow) * CO;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * strides[0] + kh - padTop;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * strides[1] + kw - padLeft;
            if (iw < 0 || iw >= W) continue;
            const xAt = ((n * H + ih) * W + iw) * CI;
            const wAt = (kh * KW + kw) * CI * CO;
            for (let ci = 0; ci < CI; ci++) {
              const xv = x[xAt + ci];
              if (xv === 0) continue;
              const o = wAt + ci * CO;
              for (let co = 0; co < CO; co++) acc[o + co] += xv * dy[dyAt + co];
            }
          }
        }
      }
    }
  }
  return Float32Array.from(acc);
}

let original: tf.KernelConfig | undefined;

/** Replaces the cpu backend's Conv2DBackpropFilter (once); returns the original kernel's function. */
export function useFastConv2dFilterGrad(): tf.KernelFunc {
  if (original) return original.kernelFunc;
  original = tf.getKernel("Conv2DBackpropFilter", "cpu")!;
  const fallback = original.kernelFunc;
  tf.unregisterKernel("Conv2DBackpropFilter", "cpu");
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName: "cpu",
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as { inputs: { x: Info; dy: Info }; backend: Backend; attrs: Attrs };
      const [sh, sw] = pair(attrs.strides, 1), [dh, dw] = pair(attrs.dilations, 1);
      const { x, dy } = inputs;
      if (attrs.dataFormat !== "NHWC" || dh !== 1 || dw !== 1 || typeof attrs.pad === "number" || x.dtype !== "float32") return fallback(args);
      const [, H, W] = x.shape, [, OH, OW] = dy.shape, [KH, KW] = attrs.filterShape;
      // TensorFlow's "same": total padding max((out - 1)·s + k - in, 0), the smaller half on top/left.
      const padTop = attrs.pad === "same" ? Math.floor(Math.max((OH - 1) * sh + KH - H, 0) / 2) : 0;
      const padLeft = attrs.pad === "same" ? Math.floor(Math.max((OW - 1) * sw + KW - W, 0) / 2) : 0;
      const values = conv2dFilterGrad(backend.readSync(x.dataId), x.shape, backend.readSync(dy.dataId), dy.shape, attrs.filterShape, [sh, sw], padTop, padLeft);
      return backend.makeTensorInfo(attrs.filterShape, "float32", values) as unknown as tf.TensorInfo;
    },
  });
  return fallback;
}
