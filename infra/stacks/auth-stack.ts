import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { acknowledge } from './nag.ts';
import type { Construct } from 'constructs';
import { ROLES } from '../../contracts/roles.ts';

/**
 * Cognito sign-in (PLT-2): admins create users (no self sign-up), each with an immutable custom:tenantId and
 * one or more role groups. The SPA signs in with USER_PASSWORD_AUTH and sends the ID token (it carries
 * custom:tenantId and cognito:groups) as the bearer the HTTP API's JWT authorizer checks.
 */
export class AuthStack extends Stack {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  /** The JWT issuer: https://cognito-idp.<region>.amazonaws.com/<poolId>. */
  readonly issuerUrl: string;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      customAttributes: {
        tenantId: new cognito.StringAttribute({ minLen: 1, maxLen: 63, mutable: false }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Precedence follows ROLES (strongest first), the same order principalFromClaims picks the role in.
    ROLES.forEach((role, precedence) => {
      new cognito.CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: `Cirrus ${role}s`,
        precedence,
      });
    });

    this.userPoolClient = this.userPool.addClient('WebClient', {
      userPoolClientName: 'cirrus-web',
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      // The SPA reads custom:tenantId from the ID token but can never change it.
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('tenantId'),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });

    this.issuerUrl = `https://cognito-idp.${this.region}.amazonaws.com/${this.userPool.userPoolId}`;

    acknowledge(
      this.userPool,
      {
        id: 'AwsSolutions-COG2',
        reason: 'MFA is OPTIONAL (TOTP) so each company can roll it out to its staff; admins are told to enable it in docs/deploying.md. REQUIRED would block first sign-in of users created by an admin without an authenticator app.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason: 'Threat protection (the PLUS feature plan) is billed per monthly active user; the pool uses ESSENTIALS to keep the product cheap to run by default. Operators can switch the feature plan on for their pool.',
      },
    );
  }
}
