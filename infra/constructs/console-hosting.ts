import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  type IUserPool,
  OAuthScope,
  UserPoolClient,
  UserPoolClientIdentityProvider,
} from 'aws-cdk-lib/aws-cognito';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** The path the console is built for (`console/vite.config.ts` `base`) and served under. */
export const CONSOLE_PREFIX = 'console';

/** Properties of {@link ConsoleHosting}. */
export interface ConsoleHostingProps {
  /** The stage name, used in resource names. */
  readonly stage: string;
  /** The user pool staff sign in to; the console gets its own public app client (authorisation code + PKCE). */
  readonly userPool: IUserPool;
  /** The Cognito domain's base URL (`https://<prefix>.auth.<region>.amazoncognito.com`): sign-in and tokens. */
  readonly authDomainUrl: string;
  /** The HTTP API's host name (`<id>.execute-api.<region>.amazonaws.com`): CloudFront sends `/graphql` to it. */
  readonly apiDomainName: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The governance console in AWS: its build in a private S3 bucket read only by CloudFront (origin access control),
 * served over HTTPS with strict headers — a CSP allowing scripts, styles and API calls from the console's own origin
 * only (no inline script), HSTS for two years with preload, no framing, no sniffing, no referrer — and the API on
 * the same origin at `/graphql`, so the browser needs no CORS and the CSP needs no API host. Staff sign in through
 * the user pool's hosted sign-in with the authorisation code flow and PKCE; the client has no secret.
 *
 * The build is uploaded by the deployment pipeline, not by a custom-resource Lambda: `aws s3 sync console/dist
 * s3://<bucket>/console/ --delete`, then `config.json` ({@link consoleRuntimeConfig}) beside it, then an
 * invalidation of `/console/*`.
 */
export class ConsoleHosting extends Construct {
  public readonly bucket: Bucket;
  public readonly distribution: Distribution;
  public readonly client: UserPoolClient;
  /** The console's address, `https://<distribution>/console/`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);

    // CloudFront standard logging writes with ACLs, so this bucket keeps them (its own access is not logged again).
    const logBucket = new Bucket(this, 'LogBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: props.removalPolicy,
    });
    Validations.of(logBucket).acknowledge(
      {
        id: 'AwsSolutions-S1',
        reason:
          'This is the console access-log bucket itself: logging its own reads would write a log for every log written.',
      },
      {
        id: 'HIPAA.Security-S3BucketLoggingEnabled',
        reason:
          'The console access-log bucket holds CloudFront and S3 access logs; logging it into itself would loop, and it holds no personal data.',
      },
      {
        id: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason:
          'Console access logs are operational evidence kept 400 days in one region; the access audit of client data is the API audit trail, not these logs.',
      },
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason:
          'CloudFront standard logging cannot write to a bucket encrypted with SSE-KMS; the logs are encrypted with S3-managed keys instead.',
      },
    );

    this.bucket = new Bucket(this, 'SiteBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: logBucket,
      serverAccessLogsPrefix: 'site-bucket/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: false,
    });
    Validations.of(this.bucket).acknowledge(
      {
        id: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason:
          'The site bucket holds only the console build, which CI rebuilds from the repository at every deployment; it holds no personal data to lose.',
      },
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason:
          'The site bucket holds the console build, public JavaScript and CSS without personal data; S3-managed keys avoid a KMS grant for CloudFront.',
      },
    );

    const authOrigin = props.authDomainUrl.replace(/\/$/, '');
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: `confide-${props.stage}-console-security`,
      comment: 'Confide console: strict CSP without inline script, HSTS, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            `connect-src 'self' ${authOrigin}`,
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            'upgrade-insecure-requests',
          ].join('; '),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()', override: true },
        ],
      },
    });

    // The console's address is `/console/` (ConsoleUrl, the Cognito callback and logout URLs), but CloudFront's
    // `defaultRootObject` applies to `/` only and the bucket has no `console/` key (S3 behind origin access control
    // answers 403 for a missing key). So a path ending in `/` is served its `index.html` — `/console/` is
    // `console/index.html`, where `aws s3 sync console/dist s3://<bucket>/console/` puts it — and the page's relative
    // `config.json` resolves to `/console/config.json`, uploaded beside it. `/` is left to the default root object.
    const indexDocument = new CloudFrontFunction(this, 'IndexDocument', {
      functionName: `confide-${props.stage}-console-index`,
      comment: 'Serves index.html for a path ending in / (the console at /console/)',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(
        [
          'function handler(event) {',
          '  var request = event.request;',
          // The console's address typed without its slash: the page's relative paths need the slash, so redirect.
          "  if (request.uri === '/console') {",
          "    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/console/' } } };",
          '  }',
          "  if (request.uri.length > 1 && request.uri.charAt(request.uri.length - 1) === '/') {",
          "    request.uri = request.uri + 'index.html';",
          '  }',
          '  return request;',
          '}',
        ].join('\n'),
      ),
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Confide ${props.stage} governance console`,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: indexDocument, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        // The API on the console's own origin: never cached, the caller's Authorization header passed through.
        '/graphql': {
          origin: new HttpOrigin(props.apiDomainName, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
        },
      },
      defaultRootObject: `${CONSOLE_PREFIX}/index.html`,
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'Staff of a charity may work or travel abroad and still review access; sign-in needs MFA, so the console is not restricted by country.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'A WAF web ACL for CloudFront must live in us-east-1, outside this stage region; the API behind it keeps its own throttling, cost and depth limits.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'Served on the default cloudfront.net certificate until a stage names its own domain and ACM certificate; viewers still get TLS 1.2+ from browsers.',
      },
    );

    this.url = `https://${this.distribution.distributionDomainName}/${CONSOLE_PREFIX}/`;
    this.client = new UserPoolClient(this, 'ConsoleClient', {
      userPool: props.userPool,
      userPoolClientName: `confide-${props.stage}-console`,
      // A browser cannot keep a secret: the authorisation code is bound to the console by PKCE instead.
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [this.url],
        logoutUrls: [this.url],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
  }
}

/** The `console/config.json` the pipeline uploads beside the build: where to sign in and as which client (no secret). */
export function consoleRuntimeConfig(hosting: ConsoleHosting, authDomainUrl: string) {
  return {
    authDomainUrl: authDomainUrl.replace(/\/$/, ''),
    clientId: hosting.client.userPoolClientId,
    redirectUri: hosting.url,
    apiUrl: '/graphql',
  };
}
