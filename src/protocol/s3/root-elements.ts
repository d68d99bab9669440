/**
 * Root element names of S3 XML responses whose output shape does not name them (the SDKs ignore
 * the name, but S3 documents and returns these, and some tools check them).
 */
export const S3_ROOT_ELEMENTS: Record<string, string> = {
  ListBuckets: 'ListAllMyBucketsResult',
  ListDirectoryBuckets: 'ListAllMyDirectoryBucketsResult',
  ListObjects: 'ListBucketResult',
  ListObjectsV2: 'ListBucketResult',
  ListObjectVersions: 'ListVersionsResult',
  CreateMultipartUpload: 'InitiateMultipartUploadResult',
  CompleteMultipartUpload: 'CompleteMultipartUploadResult',
  ListParts: 'ListPartsResult',
  ListMultipartUploads: 'ListMultipartUploadsResult',
  DeleteObjects: 'DeleteResult',
  GetBucketLocation: 'LocationConstraint',
  GetBucketTagging: 'Tagging',
  GetObjectTagging: 'Tagging',
  GetBucketAcl: 'AccessControlPolicy',
  GetObjectAcl: 'AccessControlPolicy',
  GetBucketVersioning: 'VersioningConfiguration',
  GetBucketCors: 'CORSConfiguration',
  GetBucketWebsite: 'WebsiteConfiguration',
  GetBucketLifecycleConfiguration: 'LifecycleConfiguration',
  GetBucketEncryption: 'ServerSideEncryptionConfiguration',
  GetBucketNotificationConfiguration: 'NotificationConfiguration',
  GetObjectAttributes: 'GetObjectAttributesResponse',
  GetBucketOwnershipControls: 'OwnershipControls',
  GetPublicAccessBlock: 'PublicAccessBlockConfiguration',
  GetBucketPolicyStatus: 'PolicyStatus',
  GetObjectLockConfiguration: 'ObjectLockConfiguration',
  GetBucketAccelerateConfiguration: 'AccelerateConfiguration',
  GetBucketRequestPayment: 'RequestPaymentConfiguration',
  GetBucketLogging: 'BucketLoggingStatus',
  ListBucketAnalyticsConfigurations: 'ListBucketAnalyticsConfigurationResult',
  ListBucketInventoryConfigurations: 'ListInventoryConfigurationsResult',
  ListBucketMetricsConfigurations: 'ListMetricsConfigurationsResult',
  ListBucketIntelligentTieringConfigurations: 'ListBucketIntelligentTieringConfigurationsOutput',
};

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
