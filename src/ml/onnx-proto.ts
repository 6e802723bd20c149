/**
 * Encoding ONNX models with protobufjs from the part of `onnx.proto` an exported tree
 * ensemble needs. The messages and field numbers below are ONNX's own (onnx/onnx.proto,
 * IR version 8); fields this project never writes are left out, which protobuf allows.
 * @module
 */

import protobuf from 'protobufjs';

const ONNX_PROTO = `
syntax = "proto2";
package onnx;

message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10; }
  optional string name = 1;
  optional AttributeType type = 20;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
}
message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
  optional string doc_string = 3;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  optional string domain = 7;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
}
message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}
message ModelProto {
  optional int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
}
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message TensorProto {
  repeated int64 dims = 1 [packed = true];
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
}
message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
  }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
}
message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
`;

/** `TensorProto.DataType` values used here. */
export const ONNX_TYPES = { FLOAT: 1, STRING: 8, INT64: 7, DOUBLE: 11 } as const;

/** An attribute of a node: a number is an `INT` unless `float` is said, arrays likewise. */
export type OnnxAttribute =
  | { readonly name: string; readonly int: number }
  | { readonly name: string; readonly float: number }
  | { readonly name: string; readonly string: string }
  | { readonly name: string; readonly ints: readonly number[] }
  | { readonly name: string; readonly floats: readonly number[] }
  | { readonly name: string; readonly strings: readonly string[] };

export interface OnnxNode {
  readonly opType: string;
  readonly domain?: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: readonly OnnxAttribute[];
}

/** A graph input or output: element type and shape (a string for a named free dimension). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly elemType: number;
  readonly shape: ReadonlyArray<number | string>;
  readonly doc?: string;
}

export interface OnnxInitializer {
  readonly name: string;
  readonly dataType: typeof ONNX_TYPES.INT64 | typeof ONNX_TYPES.FLOAT;
  readonly dims: readonly number[];
  readonly values: readonly number[];
}

export interface OnnxModelSpec {
  readonly irVersion: number;
  readonly opsets: Readonly<Record<string, number>>;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly doc?: string;
  readonly graphName: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxInitializer[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly metadata?: Readonly<Record<string, string>>;
}

let modelType: protobuf.Type | undefined;

/** The serialized `ModelProto`. */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  modelType ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto');
  const utf8 = (text: string) => Buffer.from(text, 'utf8');
  const valueInfo = (info: OnnxValueInfo) => ({
    name: info.name,
    ...(info.doc === undefined ? {} : { doc_string: info.doc }),
    type: {
      tensor_type: {
        elem_type: info.elemType,
        shape: { dim: info.shape.map((dim) => (typeof dim === 'number' ? { dim_value: dim } : { dim_param: dim })) },
      },
    },
  });
  const attribute = (a: OnnxAttribute) => {
    if ('int' in a) return { name: a.name, type: 2, i: a.int };
    if ('float' in a) return { name: a.name, type: 1, f: a.float };
    if ('string' in a) return { name: a.name, type: 3, s: utf8(a.string) };
    if ('ints' in a) return { name: a.name, type: 7, ints: [...a.ints] };
    if ('floats' in a) return { name: a.name, type: 6, floats: [...a.floats] };
    return { name: a.name, type: 8, strings: a.strings.map(utf8) };
  };
  const message = {
    ir_version: spec.irVersion,
    producer_name: spec.producerName,
    producer_version: spec.producerVersion,
    ...(spec.doc === undefined ? {} : { doc_string: spec.doc }),
    opset_import: Object.entries(spec.opsets).map(([domain, version]) => ({ domain, version })),
    metadata_props: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: spec.graphName,
      node: spec.nodes.map((node) => ({
        name: node.name,
        op_type: node.opType,
        domain: node.domain ?? '',
        input: [...node.inputs],
        output: [...node.outputs],
        attribute: (node.attributes ?? []).map(attribute),
      })),
      initializer: spec.initializers.map((init) => ({
        name: init.name,
        data_type: init.dataType,
        dims: [...init.dims],
        ...(init.dataType === ONNX_TYPES.INT64 ? { int64_data: [...init.values] } : { float_data: [...init.values] }),
      })),
      input: spec.inputs.map(valueInfo),
      output: spec.outputs.map(valueInfo),
    },
  };
  const type = modelType;
  const problem = type.verify(message);
  if (problem !== null) throw new Error(`invalid ONNX model: ${problem}`);
  return type.encode(type.fromObject(message)).finish();
}
