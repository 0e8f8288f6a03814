// ONNX's protobuf messages, decoded and encoded by protobufjs's light build from the JSON
// descriptor in schema.ts (generated from ONNX's own onnx.proto): no .proto text is parsed in
// users' processes and no protobuf is read by hand.
import protobuf from "protobufjs/light.js";
import { ONNX_SCHEMA } from "./schema.js";

let root: protobuf.Root | null = null;

/** The message type `onnx.<name>`, built from the descriptor on first use. */
export function messageType(name: "ModelProto" | "TensorProto"): protobuf.Type {
  root ??= protobuf.Root.fromJSON(ONNX_SCHEMA as unknown as protobuf.INamespace);
  return root.lookupType(`onnx.${name}`);
}

/** An int64 as protobufjs gives it (a Long, or a number when long.js is absent) as a JS number. */
export function int64(v: unknown): number {
  if (typeof v === "number") return v;
  if (v && typeof (v as { toNumber?: unknown }).toNumber === "function") return (v as { toNumber(): number }).toNumber();
  return Number(v ?? 0);
}

// The parts of the decoded messages the reader uses (protobufjs fills repeated fields with [] and
// leaves unset scalars at their defaults).
export interface PbTensor {
  dims: unknown[]; dataType: number; name: string; rawData?: Uint8Array;
  floatData: number[]; int32Data: number[]; int64Data: unknown[]; doubleData: number[]; uint64Data: unknown[];
  stringData: Uint8Array[]; dataLocation?: number; externalData: { key: string; value: string }[];
  segment?: unknown;
}
export interface PbAttribute {
  name: string; type: number; f?: number; i?: unknown; s?: Uint8Array; t?: PbTensor; g?: unknown;
  floats: number[]; ints: unknown[]; strings: Uint8Array[]; tensors: PbTensor[]; graphs: unknown[];
  refAttrName?: string;
}
export interface PbNode { name?: string; opType: string; domain?: string; input: string[]; output: string[]; attribute: PbAttribute[] }
export interface PbDim { dimValue?: unknown; dimParam?: string }
export interface PbValueInfo { name: string; type?: { tensorType?: { elemType?: number; shape?: { dim: PbDim[] } } } }
export interface PbGraph {
  name?: string; node: PbNode[]; initializer: PbTensor[]; sparseInitializer: unknown[];
  input: PbValueInfo[]; output: PbValueInfo[]; valueInfo: PbValueInfo[];
}
export interface PbModel {
  irVersion?: unknown; producerName?: string; producerVersion?: string;
  opsetImport: { domain?: string; version?: unknown }[]; graph?: PbGraph; functions: unknown[];
}
