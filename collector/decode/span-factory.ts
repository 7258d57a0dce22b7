// The only places Span and Resource objects are created. Every field is written here in one fixed
// order, so all spans share one hidden class and the hot property reads downstream stay monomorphic.
import type { Resource, Span } from '../contract.js';

export const UNKNOWN_SERVICE = 'unknown_service';

export function newResource(): Resource {
  return {
    serviceName: UNKNOWN_SERVICE,
    serviceNameUnknown: true,
    serviceVersion: '',
    environment: '',
    serviceInstanceId: '',
  };
}

export function newSpan(resource: Resource): Span {
  return {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    parentIsRemote: false,
    name: '',
    kind: 0,
    startMs: 0,
    durationMs: 0,
    statusCode: 0,
    statusMessage: '',
    hasException: false,
    exceptionType: '',
    scope: '',
    resource,
    httpMethod: '',
    httpRoute: '',
    httpStatus: 0,
    serverAddress: '',
    dbSystem: '',
    dbNamespace: '',
    dbStatement: '',
    dbOperation: '',
    dbParamsHash: '',
    dbRows: -1,
    hotpathKind: '',
    cacheResult: 'unknown',
    cacheOperation: '',
    cacheBackend: '',
    cacheKeyPrefix: '',
    cacheHits: 0,
    cacheMisses: 0,
    templateName: '',
    middlewareClass: '',
    middlewareHook: '',
    viewFunction: '',
    taskName: '',
    truncatedAttributes: 0,
  };
}
