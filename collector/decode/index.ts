// The decode stage: OTLP request bytes -> Span[] (contract.ts), plus the OTLP response bodies.
export { decodeProtoRequest } from './decode-proto.js';
export { decodeJsonRequest } from './decode-json.js';
export { DEFAULT_DECODE_OPTIONS } from './decode-result.js';
export type { DecodeOptions, DecodeResult } from './decode-result.js';
export { encodeExportResponse, encodeRpcStatus } from './encode-response.js';
export type { WireFormat } from './encode-response.js';
