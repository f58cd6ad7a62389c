/**
 * The SignalFx ingest protocol (proto2), written from the field table of docs/protocol.md §2.2.
 * It is kept as text in a module, not a `.proto` file read at run time, so the package works in
 * bundlers and without file-system access.
 */

/** @internal */
export const PROTO_PACKAGE = "com.signalfx.metrics.protobuf"

/** @internal */
export const SIGNALFX_PROTO = `
syntax = "proto2";
package com.signalfx.metrics.protobuf;

enum MetricType {
  GAUGE = 0;
  COUNTER = 1;
  ENUM = 2;
  CUMULATIVE_COUNTER = 3;
}

message Datum {
  optional string strValue = 1;
  optional double doubleValue = 2;
  optional int64 intValue = 3;
}

message Dimension {
  optional string key = 1;
  optional string value = 2;
}

message DataPoint {
  optional string source = 1;
  optional string metric = 2;
  optional int64 timestamp = 3;
  optional Datum value = 4;
  optional MetricType metricType = 5;
  repeated Dimension dimensions = 6;
  reserved 7;
}

message DataPointUploadMessage {
  repeated DataPoint datapoints = 1;
}

message PointValue {
  optional int64 timestamp = 3;
  optional Datum value = 4;
}

enum EventCategory {
  USER_DEFINED = 1000000;
  ALERT = 100000;
  AUDIT = 200000;
  JOB = 300000;
  COLLECTD = 400000;
  SERVICE_DISCOVERY = 500000;
  EXCEPTION = 700000;
  AGENT = 2000000;
}

message PropertyValue {
  optional string strValue = 1;
  optional double doubleValue = 2;
  optional int64 intValue = 3;
  optional bool boolValue = 4;
}

message Property {
  optional string key = 1;
  optional PropertyValue value = 2;
}

message Event {
  required string eventType = 1;
  repeated Dimension dimensions = 2;
  repeated Property properties = 3;
  optional EventCategory category = 4;
  optional int64 timestamp = 5;
}

message EventUploadMessage {
  repeated Event events = 1;
}
`
