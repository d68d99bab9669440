// The bucket subresources Terraform's aws_s3_bucket reads on every refresh, through boto3:
// acceleration, Requester Pays, logging and replication (defaults, set, get, delete, errors),
// and that a re-created bucket does not inherit them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { python } from '../support/clients.ts';
import { startTestServer } from '../support/server.ts';

const server = await startTestServer();
after(() => server.stop());

test('boto3: accelerate, request payment, logging, replication', async () => {
  const r = await python(
    `
s3 = client("s3")
b, logs, dest, dotted = "sub-src", "sub-logs", "sub-dest", "sub.dotted"
for n in (b, logs, dest, dotted):
    s3.create_bucket(Bucket=n)
res = {}
# What a fresh bucket answers (Terraform's refresh).
res["acc0"] = call(s3.get_bucket_accelerate_configuration, Bucket=b)
res["pay0"] = call(s3.get_bucket_request_payment, Bucket=b)
res["log0"] = call(s3.get_bucket_logging, Bucket=b)
res["rep0"] = call(s3.get_bucket_replication, Bucket=b)

s3.put_bucket_accelerate_configuration(Bucket=b, AccelerateConfiguration={"Status": "Enabled"})
res["acc1"] = call(s3.get_bucket_accelerate_configuration, Bucket=b)
s3.put_bucket_accelerate_configuration(Bucket=b, AccelerateConfiguration={"Status": "Suspended"})
res["acc2"] = call(s3.get_bucket_accelerate_configuration, Bucket=b)
res["accDots"] = call(s3.put_bucket_accelerate_configuration, Bucket=dotted, AccelerateConfiguration={"Status": "Enabled"})
res["accMissing"] = call(s3.get_bucket_accelerate_configuration, Bucket="sub-nope")

s3.put_bucket_request_payment(Bucket=b, RequestPaymentConfiguration={"Payer": "Requester"})
res["pay1"] = call(s3.get_bucket_request_payment, Bucket=b)

s3.put_bucket_logging(Bucket=b, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": logs, "TargetPrefix": "access/"}})
res["log1"] = call(s3.get_bucket_logging, Bucket=b)
res["logNoTarget"] = call(s3.put_bucket_logging, Bucket=b, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "sub-nope", "TargetPrefix": ""}})
s3.put_bucket_logging(Bucket=b, BucketLoggingStatus={})
res["log2"] = call(s3.get_bucket_logging, Bucket=b)

rule = {"ID": "all", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""}, "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::" + dest}}
cfg = {"Role": "arn:aws:iam::000000000000:role/replication", "Rules": [rule]}
res["repUnversioned"] = call(s3.put_bucket_replication, Bucket=b, ReplicationConfiguration=cfg)
s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
res["repDestUnversioned"] = call(s3.put_bucket_replication, Bucket=b, ReplicationConfiguration=cfg)
s3.put_bucket_versioning(Bucket=dest, VersioningConfiguration={"Status": "Enabled"})
no_dm = dict(rule); no_dm.pop("DeleteMarkerReplication")
res["repV2NoMarker"] = call(s3.put_bucket_replication, Bucket=b, ReplicationConfiguration={**cfg, "Rules": [no_dm]})
v1 = {"ID": "v1", "Prefix": "", "Status": "Enabled", "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::" + dest}}
res["repV1Marker"] = call(s3.put_bucket_replication, Bucket=b, ReplicationConfiguration={**cfg, "Rules": [v1]})
s3.put_bucket_replication(Bucket=b, ReplicationConfiguration=cfg)
res["rep1"] = call(s3.get_bucket_replication, Bucket=b)
res["repDelete"] = call(s3.delete_bucket_replication, Bucket=b)
res["rep2"] = call(s3.get_bucket_replication, Bucket=b)
s3.put_bucket_replication(Bucket=b, ReplicationConfiguration=cfg)

# A bucket of the same name created later starts from the defaults.
for v in s3.list_object_versions(Bucket=b).get("Versions", []):
    s3.delete_object(Bucket=b, Key=v["Key"], VersionId=v["VersionId"])
s3.delete_bucket(Bucket=b)
s3.create_bucket(Bucket=b)
res["again"] = [
    call(s3.get_bucket_accelerate_configuration, Bucket=b),
    call(s3.get_bucket_request_payment, Bucket=b),
    call(s3.get_bucket_logging, Bucket=b),
    call(s3.get_bucket_replication, Bucket=b).get("error"),
]
out(res)
`,
    server.env(),
  );
  const invalidRequest = (message: string) => ({ error: 'InvalidRequest', message, status: 400 });
  const notFound = {
    error: 'ReplicationConfigurationNotFoundError',
    message: 'The replication configuration was not found',
    status: 404,
  };
  const rule = {
    ID: 'all',
    Priority: 1,
    Status: 'Enabled',
    Filter: { Prefix: '' },
    DeleteMarkerReplication: { Status: 'Disabled' },
    Destination: { Bucket: 'arn:aws:s3:::sub-dest' },
  };
  assert.deepEqual(r, {
    acc0: {},
    pay0: { Payer: 'BucketOwner' },
    log0: {},
    rep0: notFound,
    acc1: { Status: 'Enabled' },
    acc2: { Status: 'Suspended' },
    accDots: invalidRequest(
      'S3 Transfer Acceleration is not supported for buckets with periods (.) in their names',
    ),
    accMissing: { error: 'NoSuchBucket', message: 'The specified bucket does not exist', status: 404 },
    pay1: { Payer: 'Requester' },
    log1: { LoggingEnabled: { TargetBucket: 'sub-logs', TargetPrefix: 'access/' } },
    logNoTarget: {
      error: 'InvalidTargetBucketForLogging',
      message: 'The target bucket for logging does not exist',
      status: 400,
    },
    log2: {},
    repUnversioned: invalidRequest(
      "Versioning must be 'Enabled' on the bucket to apply a replication configuration",
    ),
    repDestUnversioned: invalidRequest('Destination bucket must have versioning enabled.'),
    repV2NoMarker: invalidRequest(
      'DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema. Please refer to S3 Developer Guide for more information.',
    ),
    repV1Marker: invalidRequest(
      'DeleteMarkerReplication cannot be used for this version of Cross Region Replication configuration schema. Please refer to S3 Developer Guide for more information.',
    ),
    rep1: {
      ReplicationConfiguration: { Role: 'arn:aws:iam::000000000000:role/replication', Rules: [rule] },
    },
    repDelete: {},
    rep2: notFound,
    again: [{}, { Payer: 'BucketOwner' }, {}, 'ReplicationConfigurationNotFoundError'],
  });
});

test('boto3: analytics, inventory, metrics and Intelligent-Tiering configurations by Id', async () => {
  const r = await python(
    `
s3 = client("s3")
b = "sub-ids"
s3.create_bucket(Bucket=b)
res = {}
res["lists0"] = [
    call(s3.list_bucket_analytics_configurations, Bucket=b),
    call(s3.list_bucket_inventory_configurations, Bucket=b),
    call(s3.list_bucket_metrics_configurations, Bucket=b),
    call(s3.list_bucket_intelligent_tiering_configurations, Bucket=b),
]
res["get0"] = call(s3.get_bucket_metrics_configuration, Bucket=b, Id="m")
res["del0"] = call(s3.delete_bucket_analytics_configuration, Bucket=b, Id="a")

analytics = {"Id": "a", "Filter": {"Prefix": "logs/"}, "StorageClassAnalysis": {}}
inventory = {"Id": "i", "IsEnabled": True, "IncludedObjectVersions": "Current", "Schedule": {"Frequency": "Daily"},
             "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::" + b, "Format": "CSV"}}}
metrics = {"Id": "m", "Filter": {"Prefix": "p/"}}
tiering = {"Id": "t", "Status": "Enabled", "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]}
s3.put_bucket_analytics_configuration(Bucket=b, Id="a", AnalyticsConfiguration=analytics)
s3.put_bucket_inventory_configuration(Bucket=b, Id="i", InventoryConfiguration=inventory)
s3.put_bucket_metrics_configuration(Bucket=b, Id="m", MetricsConfiguration=metrics)
s3.put_bucket_metrics_configuration(Bucket=b, Id="all", MetricsConfiguration={"Id": "all"})
s3.put_bucket_intelligent_tiering_configuration(Bucket=b, Id="t", IntelligentTieringConfiguration=tiering)
res["gets"] = [
    s3.get_bucket_analytics_configuration(Bucket=b, Id="a")["AnalyticsConfiguration"] == analytics,
    s3.get_bucket_inventory_configuration(Bucket=b, Id="i")["InventoryConfiguration"] == inventory,
    s3.get_bucket_metrics_configuration(Bucket=b, Id="m")["MetricsConfiguration"] == metrics,
    s3.get_bucket_intelligent_tiering_configuration(Bucket=b, Id="t")["IntelligentTieringConfiguration"] == tiering,
]
res["metricsList"] = call(s3.list_bucket_metrics_configurations, Bucket=b)
res["inventoryMismatch"] = call(s3.put_bucket_inventory_configuration, Bucket=b, Id="other", InventoryConfiguration=inventory)
res["inventoryArn"] = call(s3.put_bucket_inventory_configuration, Bucket=b, Id="i", InventoryConfiguration={**inventory, "Destination": {"S3BucketDestination": {"Bucket": b, "Format": "CSV"}}})
res["analyticsMismatch"] = call(s3.put_bucket_analytics_configuration, Bucket=b, Id="other", AnalyticsConfiguration=analytics)
s3.delete_bucket_metrics_configuration(Bucket=b, Id="m")
res["afterDelete"] = [call(s3.get_bucket_metrics_configuration, Bucket=b, Id="m").get("error"),
                      [c["Id"] for c in s3.list_bucket_metrics_configurations(Bucket=b)["MetricsConfigurationList"]]]
s3.delete_bucket(Bucket=b)
s3.create_bucket(Bucket=b)
res["again"] = [
    call(s3.list_bucket_analytics_configurations, Bucket=b),
    call(s3.get_bucket_intelligent_tiering_configuration, Bucket=b, Id="t").get("error"),
]
out(res)
`,
    server.env(),
  );
  const empty = { IsTruncated: false };
  assert.deepEqual(r, {
    lists0: [empty, empty, empty, empty],
    get0: {
      error: 'NoSuchConfiguration',
      message: 'The specified configuration does not exist.',
      status: 404,
    },
    del0: {
      error: 'NoSuchConfiguration',
      message: 'The specified configuration does not exist.',
      status: 404,
    },
    gets: [true, true, true, true],
    metricsList: {
      IsTruncated: false,
      MetricsConfigurationList: [{ Id: 'all' }, { Id: 'm', Filter: { Prefix: 'p/' } }],
    },
    inventoryMismatch: {
      error: 'IdMismatch',
      message: 'Document ID does not match the specified configuration ID.',
      status: 400,
    },
    inventoryArn: { error: 'InvalidS3DestinationBucket', message: 'Invalid bucket ARN.', status: 400 },
    analyticsMismatch: {
      error: 'MalformedXML',
      message: 'The XML you provided was not well-formed or did not validate against our published schema',
      status: 400,
    },
    afterDelete: ['NoSuchConfiguration', ['all']],
    again: [empty, 'NoSuchConfiguration'],
  });
});
