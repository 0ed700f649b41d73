/**
 * What a Lambda function needs from AWS, declared with each route (contracts/routes.ts) and each event
 * consumer (infra/declarations/events.ts). The CDK stacks turn it into least-privilege IAM; the local runtime
 * ignores it.
 */
export interface FunctionAccess {
  /** DynamoDB table access. */
  readonly table?: 'read' | 'readwrite';
  /** events:PutEvents on the Cirrus bus. */
  readonly putEvents?: boolean;
  /** scheduler:CreateSchedule/DeleteSchedule in the Cirrus schedule group (+ iam:PassRole of the scheduler role). */
  readonly schedules?: boolean;
  /** ses:SendEmail through the Cirrus configuration set. */
  readonly sendEmail?: boolean;
  /** Tenant files in the S3 bucket (keys start with the tenant): read, or read and write. */
  readonly files?: 'read' | 'readwrite';
}

/** A Lambda function to bundle and deploy: a unit's router, or an event consumer. */
export interface DeployedFunction {
  /** Unique kebab-case name; the bundle is dist/functions/<name>/index.mjs. */
  readonly name: string;
  /** Source file relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly access: FunctionAccess;
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
}

/** The union of two accesses (a unit serving several routes, say). */
export function mergeAccess(a: FunctionAccess, b: FunctionAccess): FunctionAccess {
  const table = a.table === 'readwrite' || b.table === 'readwrite' ? 'readwrite' : (a.table ?? b.table);
  const files = a.files === 'readwrite' || b.files === 'readwrite' ? 'readwrite' : (a.files ?? b.files);
  return {
    ...(table ? { table } : {}),
    ...(a.putEvents || b.putEvents ? { putEvents: true } : {}),
    ...(a.schedules || b.schedules ? { schedules: true } : {}),
    ...(a.sendEmail || b.sendEmail ? { sendEmail: true } : {}),
    ...(files ? { files } : {}),
  };
}
