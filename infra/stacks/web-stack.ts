import { existsSync } from 'node:fs';
import path from 'node:path';
import { CfnOutput, CfnResource, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { acknowledge, nagRules } from './nag.ts';
import type { Construct } from 'constructs';

export const defaultWebAssetPath = path.resolve(import.meta.dirname, '..', '..', 'dist', 'web');

export interface WebStackProps extends StackProps {
  /** Host name of the HTTP API (…execute-api.<region>.amazonaws.com): the /api/* origin. */
  readonly apiDomainName: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** The built SPA; defaults to dist/web (npm run build:web). Must contain index.html. */
  readonly webAssetPath?: string;
  /** SSM parameter written with the app URL, for functions that send email when context appUrl is unset. */
  readonly appUrlParameterName: string;
}

/**
 * SPA routing on the default (S3) behaviour only: extension-less paths are app routes and get index.html.
 * /api/* is another behaviour, so API 403/404s reach the client untouched.
 */
export const SPA_ROUTING_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/**
 * The style rules of the web-to-lead form's live preview (frontend/src/views/admin/FormsAdmin.vue, `previewDoc`):
 * an `<iframe srcdoc>` document, which inherits this policy, so its one `<style>` element is allowed by hash.
 * test/infra/stacks.test.ts recomputes the hash from FormsAdmin.vue and fails when the two drift apart.
 */
export const FORM_PREVIEW_STYLE_HASH = "'sha256-J7NcJRQSLu01r2ER1ADYNFtqKNVjIF0ORwLPTbmF9F0='";

/**
 * The Content-Security-Policy of the SPA and the API. Styles: no `'unsafe-inline'` for `<style>` elements
 * (`style-src-elem`), the vector of CSS injection that reads a page through selectors; `style-src-attr` keeps
 * it for `style=` attributes. Measured in headless Chromium over the built app (sign-in, lists, record pages,
 * edit forms, select/dropdown/popover poppers, dialogs, message boxes, admin pages, the form snippet and its
 * preview, 390 px layout) with `style-src 'self'` alone: Vue and Element Plus set every style through the CSSOM
 * (`el.style`, not governed by CSP) and ship their CSS as files, so the SPA raised no violation. What did: the
 * form preview, which inherits the policy — its `<style>` (allowed by FORM_PREVIEW_STYLE_HASH) and the embed
 * snippet's honeypot `style="position:absolute;left:-10000px"` (functions/forms/snippet.ts), which without
 * `style-src-attr 'unsafe-inline'` shows the hidden trap field in the preview. Browsers without CSP 3's
 * `-elem`/`-attr` fall back to `style-src 'self'`: the SPA still works there, the preview looks unstyled.
 * A chart library that injects `<style>` (vue-echarts' default entry) needs its CSP build (`vue-echarts/csp`).
 */
export function contentSecurityPolicy(cognitoEndpoint: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `style-src-elem 'self' ${FORM_PREVIEW_STYLE_HASH}`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${cognitoEndpoint}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * Powerful browser features the SPA never uses are off for it and anything it frames (the form preview); the
 * clipboard stays writable by the app itself (copy snippet, copy secret). Every name is one Chromium knows
 * (an unknown one is reported on the console as an error).
 */
export const PERMISSIONS_POLICY = [
  'accelerometer=()', 'autoplay=()', 'browsing-topics=()', 'camera=()', 'clipboard-read=()', 'clipboard-write=(self)',
  'display-capture=()', 'encrypted-media=()', 'fullscreen=()', 'geolocation=()', 'gyroscope=()', 'hid=()',
  'idle-detection=()', 'magnetometer=()', 'microphone=()', 'midi=()', 'payment=()', 'picture-in-picture=()',
  'publickey-credentials-get=()', 'screen-wake-lock=()', 'serial=()', 'usb=()', 'xr-spatial-tracking=()',
].join(', ');

/**
 * The web app: private S3 bucket behind CloudFront (Origin Access Control), /api/* proxied to the HTTP API so
 * the SPA is same-origin, security headers, and /config.json telling the SPA which user pool to use.
 */
export class WebStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly logsBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly appUrl: string;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const webAssetPath = props.webAssetPath ?? defaultWebAssetPath;
    if (!existsSync(path.join(webAssetPath, 'index.html'))) {
      throw new Error(`The web app is not built: ${path.join(webAssetPath, 'index.html')} is missing — run npm run build first.`);
    }

    // Server access logs of the site bucket and CloudFront standard logs (which need ACLs on the bucket).
    this.logsBucket = new s3.Bucket(this, 'LogsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.logsBucket, {
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket (S3 server access logs and CloudFront logs); logging it into itself would loop.',
    });

    this.bucket = new s3.Bucket(this, 'SiteBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'site/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const cognitoEndpoint = `https://cognito-idp.${this.region}.amazonaws.com`;
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Cirrus security headers',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(cognitoEndpoint), override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [{ header: 'Permissions-Policy', value: PERMISSIONS_POLICY, override: true }],
      },
    });

    const spaRouting = new cloudfront.Function(this, 'SpaRouting', {
      comment: 'SPA routes to /index.html (default behaviour only, never /api/*)',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(SPA_ROUTING_FUNCTION),
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Cirrus CRM',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
        functionAssociations: [{ function: spaRouting, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new origins.HttpOrigin(props.apiDomainName, {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
          compress: true,
        },
      },
    });
    this.appUrl = `https://${this.distribution.distributionDomainName}`;

    new s3deploy.BucketDeployment(this, 'DeployWeb', {
      sources: [
        s3deploy.Source.asset(webAssetPath),
        s3deploy.Source.jsonData('config.json', {
          region: this.region,
          userPoolId: props.userPoolId,
          userPoolClientId: props.userPoolClientId,
        }),
      ],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
      prune: true,
    });

    new ssm.StringParameter(this, 'AppUrlParameter', {
      parameterName: props.appUrlParameterName,
      description: 'Cirrus web app URL (links in emails)',
      stringValue: this.appUrl,
    });

    acknowledge(
      this.distribution,
      { id: 'AwsSolutions-CFR1', reason: 'A CRM for companies that may work in any country; geo restriction is left to the operator.' },
      {
        id: 'AwsSolutions-CFR2',
        reason: 'AWS WAF costs a fixed monthly fee per web ACL; the API is authenticated (Cognito JWT) and throttled per route. Operators can attach a web ACL.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason: 'The distribution uses the default *.cloudfront.net certificate, for which CloudFront cannot enforce a minimum TLS version; with a custom domain and certificate set TLSv1.2_2021.',
      },
    );
    this.acknowledgeBucketDeploymentProvider();

    new CfnOutput(this, 'AppUrl', { value: this.appUrl });
  }

  /**
   * BucketDeployment's provider Lambda (a singleton under the stack) is owned by aws-cdk-lib: its runtime, its
   * managed logging policy and the wildcard S3 grants it needs to copy the asset into the site bucket.
   */
  private acknowledgeBucketDeploymentProvider(): void {
    const providers = this.node.children.filter((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    for (const provider of providers) {
      acknowledge(
        provider,
        { id: 'AwsSolutions-L1', reason: 'The BucketDeployment provider Lambda and its runtime are chosen by aws-cdk-lib, not by Cirrus.' },
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: 'The BucketDeployment provider Lambda (aws-cdk-lib) logs through the AWSLambdaBasicExecutionRole managed policy.',
        },
      );
      // Its wildcards are object-level (bucket/*) and action-family (s3:GetObject*, s3:List*) grants generated by aws-cdk-lib.
      for (const policy of provider.node.findAll().filter((c) => c instanceof CfnResource && c.cfnResourceType === 'AWS::IAM::Policy')) {
        const findings = nagRules.iam.IAMNoWildcardPermissions(policy as CfnResource);
        if (!Array.isArray(findings)) continue;
        for (const finding of findings) {
          acknowledge(provider, {
            id: `AwsSolutions-IAM5[${finding}]`,
            reason: 'BucketDeployment (aws-cdk-lib) copies every object of the web asset into the site bucket and prunes old ones: object wildcards on the CDK asset bucket and the site bucket, s3:GetObject*/List*/DeleteObject* action families.',
          });
        }
      }
    }
  }
}
