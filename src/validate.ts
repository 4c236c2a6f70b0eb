import * as net from 'net';
import { MANAGED_CHECK_IDS } from './checks/ids';

/**
 * One validator per kind of value. Each returns `undefined` when the value is fine, or a
 * sentence saying what is wrong and how to fix it. The same functions serve the prompts,
 * the CLI flags, the answers file and the project type.
 */
export type Check<T> = (value: T) => string | undefined;

const PARTITION_OF_REGION: Array<[RegExp, string]> = [
  [/^cn-/, 'aws-cn'],
  [/^us-gov-/, 'aws-us-gov'],
  [/^eusc-/, 'aws-eusc'],
  [/./, 'aws'],
];

/** Region names as of late 2026 (commercial, GovCloud, China, European Sovereign Cloud). */
export const AWS_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'af-south-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5',
  'ap-southeast-6', 'ap-southeast-7',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'eu-south-1', 'eu-south-2', 'eu-north-1',
  'il-central-1', 'me-south-1', 'me-central-1', 'mx-central-1', 'sa-east-1',
  'us-gov-east-1', 'us-gov-west-1',
  'cn-north-1', 'cn-northwest-1',
  'eusc-de-east-1',
];

/** The ARN partition (`aws`, `aws-cn`, …) that a region belongs to. */
export function partitionOf(region: string): string {
  return PARTITION_OF_REGION.find(([pattern]) => pattern.test(region))![1];
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The closest candidate, when it is close enough to be a likely typo. */
export function closest(value: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(value.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(value.length / 3)) ? best : undefined;
}

/** ` Did you mean "…"?` after a message, when a candidate is close enough; else nothing. */
export function didYouMean(value: string, candidates: readonly string[]): string {
  const hint = closest(value, candidates);
  return hint ? ` Did you mean "${hint}"?` : '';
}

/** Shows a value inside a message without letting control characters through. */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** A project name: npm package-name rules. */
export const checkProjectName: Check<unknown> = (value) => {
  if (!isString(value) || value.length === 0) return 'must be a non-empty npm package name, e.g. "my-app".';
  if (value.length > 214) return `is ${value.length} characters long; npm allows at most 214.`;
  if (!NPM_NAME.test(value)) {
    return `${show(value)} is not a valid npm package name: use lowercase letters, digits, "-", "." and "_", ` +
      `starting with a letter or digit (suggestion: "${toValidProjectName(value) || 'my-app'}").`;
  }
  return undefined;
};

const NPM_LEGACY_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-zA-Z0-9][a-zA-Z0-9._~-]*$/;

/**
 * The project type's name check: npm's rules for existing packages, which allow capitals.
 * `projen new` names a project after its directory (`MyApp`), and an app is never published.
 * Quotes, spaces, `<`, `$` and the like are refused: the name reaches the README and HTML.
 */
export const checkProjectNameAllowingCapitals: Check<unknown> = (value) => {
  if (typeof value === 'string' && value.length <= 214 && NPM_LEGACY_NAME.test(value)) return undefined;
  return checkProjectName(value);
};

/** Turns a directory name into a valid npm package name (as create-vite does). */
export function toValidProjectName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/^[._-]+/, '')
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/-$/, '')
    .slice(0, 214);
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A fully qualified host name such as `myapp.internal.example.com`. */
export const checkDomain: Check<unknown> = (value) => {
  if (!isString(value) || value.length === 0) return 'must be a host name such as "myapp.internal.example.com".';
  if (value !== value.toLowerCase()) return `${show(value)} must be lowercase ("${value.toLowerCase()}").`;
  if (value.endsWith('.')) return `${show(value)} must not end with a dot ("${value.slice(0, -1)}").`;
  if (value.length > 253) return `is ${value.length} characters long; a host name has at most 253.`;
  const labels = value.split('.');
  if (labels.length < 2) return `${show(value)} needs at least two labels, e.g. "myapp.internal.example.com".`;
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    return `${show(value)} is not a valid host name: the label ${show(bad)} must be 1-63 letters, digits or "-", ` +
      'not starting or ending with "-" (no wildcards, spaces or underscores).';
  }
  if (/^\d+$/.test(labels[labels.length - 1])) return `${show(value)} looks like an IP address; give a host name.`;
  return undefined;
};

/** A Route 53 hosted zone id such as `Z0123456789ABCDEFGHIJ`. */
export const checkHostedZoneId: Check<unknown> = (value) => {
  if (!isString(value)) return 'must be a Route 53 hosted zone id such as "Z0123456789ABCDEFGHIJ".';
  if (value.startsWith('/hostedzone/')) return `give the id without the "/hostedzone/" prefix ("${value.slice(12)}").`;
  if (!/^Z[A-Z0-9]{4,32}$/.test(value)) {
    return `${show(value)} is not a Route 53 hosted zone id: "Z" followed by uppercase letters and digits, ` +
      'e.g. "Z0123456789ABCDEFGHIJ".';
  }
  return undefined;
};

function awsId(prefix: string, example: string): Check<unknown> {
  const pattern = new RegExp(`^${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`);
  return (value) => {
    if (isString(value) && pattern.test(value)) return undefined;
    return `${show(value)} is not a ${prefix} id: "${prefix}-" followed by 8 or 17 lowercase hex digits, e.g. "${example}".`;
  };
}

/** A VPC id such as `vpc-0123456789abcdef0`. */
export const checkVpcId = awsId('vpc', 'vpc-0123456789abcdef0');
/** A subnet id such as `subnet-0123456789abcdef0`. */
export const checkSubnetId = awsId('subnet', 'subnet-0123456789abcdef0');
/** A VPC endpoint id such as `vpce-0123456789abcdef0`. */
export const checkVpcEndpointId = awsId('vpce', 'vpce-0123456789abcdef0');

/** At least two distinct, well-formed subnet ids. */
export const checkSubnetIds: Check<unknown> = (value) => {
  if (!Array.isArray(value)) return 'must be a list of subnet ids, e.g. "subnet-0123456789abcdef0,subnet-0fedcba9876543210".';
  for (const id of value) {
    const problem = checkSubnetId(id);
    if (problem) return problem;
  }
  if (value.length < 2) {
    return `needs at least two subnets in different availability zones (got ${value.length}): ` +
      'an Application Load Balancer requires two.';
  }
  const duplicate = value.find((id, i) => value.indexOf(id) !== i);
  if (duplicate) return `lists ${show(duplicate)} twice; give distinct subnets in different availability zones.`;
  return undefined;
};

/** An IPv4 or IPv6 CIDR that is not the whole internet. */
export const checkCidr: Check<unknown> = (value) => {
  if (!isString(value)) return 'must be a CIDR such as "10.0.0.0/8".';
  const match = /^([^/]+)\/(\d{1,3})$/.exec(value);
  const version = match && !match[1].includes('%') ? net.isIP(match[1]) : 0;
  const bits = version === 4 ? 32 : 128;
  if (!match || version === 0 || Number(match[2]) > bits || /^0\d/.test(match[2])) {
    return `${show(value)} is not a CIDR: an IPv4 or IPv6 address, "/" and a prefix length, e.g. "10.0.0.0/8".`;
  }
  const prefix = Number(match[2]);
  if (prefix === 0) {
    return `${show(value)} would open the app to the whole internet; list the on-premises ranges that ` +
      'reach AWS over VPN or Direct Connect instead.';
  }
  // Arithmetic rather than bit operations: a CIDR's host part is the remainder modulo its size.
  const size = 2n ** BigInt(bits - prefix);
  const address = toBigInt(match[1], version);
  if (address % size !== 0n) {
    const network = fromBigInt(address - (address % size), version);
    return `${show(value)} has host bits set; the network is "${network}/${prefix}".`;
  }
  return undefined;
};

function toBigInt(address: string, version: number): bigint {
  if (version === 4) {
    return address.split('.').reduce((acc, octet) => acc * 256n + BigInt(Number(octet)), 0n);
  }
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const expand = (part: string | undefined) => (part ? part.split(':') : []).flatMap((group) => {
    if (!group.includes('.')) return [group];
    const v4 = toBigInt(group, 4);
    return [(v4 / 65536n).toString(16), (v4 % 65536n).toString(16)];
  });
  const left = expand(head);
  const right = expand(tail);
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((acc, group) => acc * 65536n + BigInt(parseInt(group, 16)), 0n);
}

function fromBigInt(value: bigint, version: number): string {
  const [count, base, radix, separator] = version === 4 ? [4, 256n, 10, '.'] : [8, 65536n, 16, ':'];
  const parts: string[] = [];
  for (let i = 0, rest = value; i < count; i++, rest /= base) parts.unshift((rest % base).toString(radix));
  const text = parts.join(separator);
  // The longest run of zero groups becomes "::" (RFC 5952).
  if (version === 4) return text;
  const runs = [...`:${text}:`.matchAll(/(?::0)+(?=:)/g)].sort((a, b) => b[0].length - a[0].length);
  if (!runs.length || runs[0][0].length < 4) return text;
  const run = runs[0];
  const padded = `:${text}:`;
  return (padded.slice(0, run.index) + '::' + padded.slice(run.index! + run[0].length + 1)).replace(/^:(?!:)|(?<!:):$/g, '');
}

/** At least one corporate CIDR, each valid, none repeated. */
export const checkCorporateCidrs: Check<unknown> = (value) => {
  if (!Array.isArray(value) || value.length === 0) {
    return 'needs at least one on-premises CIDR, e.g. "10.0.0.0/8,172.16.0.0/12".';
  }
  for (const cidr of value) {
    const problem = checkCidr(cidr);
    if (problem) return problem;
  }
  const duplicate = value.find((cidr, i) => value.indexOf(cidr) !== i);
  if (duplicate) return `lists ${show(duplicate)} twice.`;
  return undefined;
};

/** A 12-digit AWS account id. */
export const checkAccount: Check<unknown> = (value) => {
  if (isString(value) && /^\d{12}$/.test(value)) return undefined;
  return `${show(value)} is not an AWS account id: exactly 12 digits, e.g. "123456789012".`;
};

/** A real AWS region name. */
export const checkRegion: Check<unknown> = (value) => {
  if (isString(value) && AWS_REGIONS.includes(value)) return undefined;
  return `${show(value)} is not an AWS region.${isString(value) ? didYouMean(value, AWS_REGIONS) : ''} ` +
    'Examples: "eu-west-1", "us-east-1".';
};

/** One of the given values (an enum's, for instance). */
export function checkOneOf(values: readonly string[]): Check<unknown> {
  return (value) => {
    if (isString(value) && values.includes(value)) return undefined;
    return `${show(value)} is not one of ${values.map((v) => `"${v}"`).join(', ')}.` +
      (isString(value) ? didYouMean(value, values) : '');
  };
}

/** A boolean. */
export const checkBoolean: Check<unknown> = (value) =>
  typeof value === 'boolean' ? undefined : `${show(value)} must be true or false.`;

/**
 * An ACM certificate ARN in the given region and account:
 * `arn:aws:acm:<region>:<account>:certificate/<uuid>`.
 */
export function checkCertificateArn(region: string, account: string): Check<unknown> {
  return (value) => {
    const example = `arn:${partitionOf(region)}:acm:${region}:${account}:certificate/<certificate id>`;
    if (!isString(value)) return `must be an ACM certificate ARN such as "${example}".`;
    const match = /^arn:([a-z-]+):acm:([a-z0-9-]+):(\d{12}):certificate\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/
      .exec(value);
    if (!match) return `${show(value)} is not an ACM certificate ARN; expected "${example}".`;
    const [, partition, certRegion, certAccount] = match;
    if (certRegion !== region) {
      return `${show(value)} is in ${certRegion}, but the app deploys to ${region}: ` +
        'a load balancer can only use a certificate from its own region.';
    }
    if (partition !== partitionOf(region)) return `${show(value)} should use the partition "${partitionOf(region)}".`;
    if (certAccount !== account) {
      return `${show(value)} belongs to account ${certAccount}, but the app deploys to ${account}: ` +
        'import or request the certificate in that account.';
    }
    return undefined;
  };
}

/**
 * One entry of `switchedOffChecks`: `{ id, reason }` with a known check id, a reason, and no id
 * switched off twice (`earlier` holds the entries before it). Names the field at fault.
 */
export function checkSwitchedOffCheck(entry: unknown, earlier: readonly unknown[]): { field?: string; message: string } | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    return { message: `${show(entry)} must be { id: '<check id>', reason: '<why this app does without it>' }.` };
  }
  const { id, reason } = entry as { id?: unknown; reason?: unknown };
  if (!isString(id) || !MANAGED_CHECK_IDS.includes(id)) {
    return {
      field: 'id',
      message: `${show(id)} is not a managed check.${isString(id) ? didYouMean(id, MANAGED_CHECK_IDS) : ''} ` +
        'The ids are shown in brackets after each check in the output of `npx projen test`.',
    };
  }
  if (earlier.some((other) => (other as { id?: unknown } | null)?.id === id)) {
    return { field: 'id', message: `"${id}" is switched off twice; keep one entry.` };
  }
  if (!isString(reason) || reason.trim().length < 10 || /[\r\n\u2028\u2029]/.test(reason)) {
    return { field: 'reason', message: 'give the reason this app does without the check, in one line of 10 characters or more.' };
  }
  return undefined;
}

/** A destination the handler may reach: `cidr:port` or `cidr:from-to`, e.g. `10.20.0.0/16:5432`. */
export interface Destination {
  readonly cidr: string;
  readonly fromPort: number;
  readonly toPort: number;
}

/** Parses `cidr:port` or `cidr:from-to`; undefined when malformed. The CIDR itself is not checked here. */
export function parseDestination(value: string): Destination | undefined {
  const match = /^(.+):(\d{1,5})(?:-(\d{1,5}))?$/.exec(value);
  if (!match) return undefined;
  const fromPort = Number(match[2]);
  const toPort = Number(match[3] ?? match[2]);
  if (fromPort < 1 || toPort > 65535 || fromPort > toPort) return undefined;
  return { cidr: match[1], fromPort, toPort };
}

/** The handler's on-premises destinations: valid, none the whole internet, none repeated. */
export const checkHandlerEgress: Check<unknown> = (value) => {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return 'must be a list of destinations, e.g. "10.20.0.0/16:5432,10.30.0.10/32:443".';
  for (const entry of value) {
    const destination = isString(entry) ? parseDestination(entry) : undefined;
    if (!destination) {
      return `${show(entry)} is not a destination: a CIDR, ":" and a port or a port range from 1 to 65535, ` +
        'e.g. "10.20.0.0/16:5432" or "10.30.0.0/24:8080-8089".';
    }
    if (/\/0$/.test(destination.cidr)) {
      return `${show(entry)} would let the function send anywhere; list the on-premises ranges it must reach.`;
    }
    const problem = checkCidr(destination.cidr);
    if (problem) return `${show(entry)} is not a destination: ${problem}`;
  }
  const duplicate = value.find((entry, i) => value.indexOf(entry) !== i);
  if (duplicate) return `lists ${show(duplicate)} twice.`;
  return undefined;
};

/** Reserved concurrency: a whole number from 1 (0 would stop the function). */
export const checkReservedConcurrency: Check<unknown> = (value) => {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 100_000) return undefined;
  return `${show(value)} is not a number of concurrent executions: a whole number from 1 ` +
    '(leave it out to share the account\'s unreserved concurrency).';
};

/** An environment's name: it names a CDK Stage, stacks, a task and a GitHub environment. */
export const checkEnvironmentName: Check<unknown> = (value) => {
  if (isString(value) && /^[a-z](?:[a-z0-9-]{0,14}[a-z0-9])?$/.test(value)) return undefined;
  return `${show(value)} is not an environment name: lowercase letters, digits and hyphens, starting with a letter, ` +
    'at most 16 characters, e.g. "dev", "staging", "prod".';
};

/** A CDK bootstrap qualifier: lowercase letters and digits, at most 10. */
export const checkQualifier: Check<unknown> = (value) => {
  if (isString(value) && /^[a-z0-9]{1,10}$/.test(value)) return undefined;
  return `${show(value)} is not a bootstrap qualifier: 1 to 10 lowercase letters or digits, as given to ` +
    '`cdk bootstrap --qualifier`.';
};

/**
 * A permissions boundary: a managed policy's name, or its ARN in the environment's account (or with `${AWS::AccountId}`,
 * which CDK fills in), as IAM takes it.
 */
export function checkPermissionsBoundary(account: string): Check<unknown> {
  return (value) => {
    const example = `e.g. "acme-boundary" or "arn:aws:iam::${account}:policy/acme-boundary"`;
    if (!isString(value) || value.length === 0) return `must be a managed policy's name or ARN, ${example}.`;
    if (value.startsWith('arn:')) {
      const match = /^arn:aws[a-z-]*:iam::(\d{12}|\$\{AWS::AccountId\}):policy\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/.exec(value);
      if (!match) return `${show(value)} is not a managed policy ARN, ${example}.`;
      if (match[1] !== account && match[1] !== '${AWS::AccountId}') {
        return `${show(value)} is in account ${match[1]}, but the environment deploys to ${account}: a boundary must be a ` +
          'policy of the account its roles are in (write "${AWS::AccountId}" for each account\'s own).';
      }
      return undefined;
    }
    return /^[\w+=,.@-]{1,128}$/.test(value) ? undefined
      : `${show(value)} is not a managed policy name (1 to 128 letters, digits and + = , . @ _ -), ${example}.`;
  };
}

/** Tags every resource must carry: AWS's rules for keys and values, and none of AWS's own `aws:` prefix. */
export const checkTags: Check<unknown> = (value) => {
  const example = 'e.g. { "cost-centre": "4711", "owner": "orders-team" }';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `must be an object of tag names and values, ${example}.`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 40) return `has ${entries.length} tags; a resource takes at most 50, and CDK and the team need some of them: at most 40.`;
  const allowed = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
  for (const [key, tag] of entries) {
    if (key.length === 0 || key.length > 128 || !allowed.test(key)) {
      return `the tag name ${show(key)} is not valid: 1 to 128 letters, digits, spaces and _ . : / = + - @.`;
    }
    if (key.toLowerCase().startsWith('aws:')) return `the tag name ${show(key)} starts with "aws:", which AWS keeps for its own tags.`;
    if (typeof tag !== 'string' || tag.length > 256 || !allowed.test(tag)) {
      return `the value of the tag ${show(key)} must be a string of at most 256 letters, digits, spaces and _ . : / = + - @; it is ${show(tag)}.`;
    }
  }
  return undefined;
};

/** The IAM role a deploy assumes: a role ARN in the environment's account. */
export function checkDeployRoleArn(account: string): Check<unknown> {
  return (value) => {
    const match = isString(value) ? /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/.exec(value) : null;
    if (!match) return `${show(value)} is not an IAM role ARN such as "arn:aws:iam::${account}:role/github-deploy".`;
    if (match[1] !== account) {
      return `${show(value)} is in account ${match[1]}, but the environment deploys to ${account}: the role must be in that account.`;
    }
    return undefined;
  };
}

/** A URL parsed, or what is wrong with it (`what` and `example` name what was expected). */
function parseUrl(value: unknown, what: string, example: string): URL | string {
  if (!isString(value) || value.length === 0) return `must be ${what}, ${example}.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f"'`<>\\]/.test(value)) return `${show(value)} is not a URL: no spaces, quotes or control characters.`;
  try {
    return new URL(value);
  } catch {
    return `${show(value)} is not a URL; ${example}.`;
  }
}

/** An https URL with a host name, no credentials and no fragment: what the load balancer accepts for an endpoint. */
export const checkHttpsUrl: Check<unknown> = (value) => {
  const url = parseUrl(value, 'an https URL', 'e.g. "https://login.example.com/oauth2/v1/token"');
  if (typeof url === 'string') return url;
  if (url.protocol !== 'https:') return `${show(value)} must use https: the load balancer talks to the provider over TLS only.`;
  if (url.username || url.password) return `${show(value)} must not carry a user name or password.`;
  if (url.hash) return `${show(value)} must not have a fragment ("#…").`;
  if (checkDomain(url.hostname) !== undefined) return `${show(value)} needs a host name such as "login.example.com" (not an IP address).`;
  return undefined;
};

/** The issuer: an https URL without query or fragment, as it appears in the provider's tokens. */
export const checkIssuer: Check<unknown> = (value) => {
  const problem = checkHttpsUrl(value);
  if (problem) return problem.replace('"https://login.example.com/oauth2/v1/token"', '"https://login.microsoftonline.com/<tenant id>/v2.0"');
  if (new URL(value as string).search) return `${show(value)} must not have a query ("?…"): give the issuer exactly as the provider's discovery document names it.`;
  return undefined;
};

/** The app's client id at the provider: one line of visible characters. */
export const checkClientId: Check<unknown> = (value) => {
  if (isString(value) && /^[\x21-\x7e]{1,255}$/.test(value)) return undefined;
  return `${show(value)} is not a client id: 1 to 255 visible characters, no spaces, as the provider shows it for the app.`;
};

/**
 * The client secret's Secrets Manager NAME or ARN (in `region`), never the secret: names are
 * letters, digits and `/_+=.@-`; a long random-looking string without `/` is taken for a value.
 */
export function checkSecretReference(region: string): Check<unknown> {
  return (value) => {
    const never = 'The secret itself never goes in .projenrc.ts: store it in Secrets Manager and give its name or ARN.';
    if (!isString(value) || value.length === 0) return `must be the name or ARN of a Secrets Manager secret, e.g. "myapp/oidc-client-secret". ${never}`;
    if (value.startsWith('arn:')) {
      const match = /^arn:(aws[a-z-]*):secretsmanager:([a-z0-9-]+):(\d{12}):secret:([\w/+=.@-]{1,512})$/.exec(value);
      if (!match) {
        return `${show(value)} is not a Secrets Manager secret ARN such as ` +
          `"arn:${partitionOf(region)}:secretsmanager:${region}:123456789012:secret:myapp/oidc-client-secret-AbCdEf".`;
      }
      if (match[2] !== region) {
        return `${show(value)} is in ${match[2]}, but the environment deploys to ${region}: the load balancer reads the secret ` +
          'from its own region; replicate the secret there.';
      }
      if (match[1] !== partitionOf(region)) return `${show(value)} should use the partition "${partitionOf(region)}".`;
      return undefined;
    }
    if (!/^[\w/+=.@-]{1,512}$/.test(value)) {
      return `${show(value)} is not a Secrets Manager secret name (letters, digits and /_+=.@-, at most 512). ${never}`;
    }
    if (looksRandom(value)) return `${show(value)} looks like a secret's value, not its name. ${never}`;
    return undefined;
  };
}

/**
 * Whether a string looks generated rather than named: long, no `/`, upper and lower case and
 * digits, switching between them at most characters (a random one switches at about 6 in 10;
 * a name such as `OrdersOidcClientSecret2024` at 1 in 3).
 */
function looksRandom(value: string): boolean {
  if (value.length < 20 || value.includes('/') || !/[A-Z]/.test(value) || !/[a-z]/.test(value) || !/\d/.test(value)) return false;
  const kind = (c: string) => (/[A-Z]/.test(c) ? 'A' : /[a-z]/.test(c) ? 'a' : /\d/.test(c) ? '0' : c);
  let switches = 0;
  for (let i = 1; i < value.length; i++) if (kind(value[i]) !== kind(value[i - 1])) switches++;
  return switches / (value.length - 1) >= 0.45;
}

/** The scopes: space-separated tokens, `openid` among them. */
export const checkScope: Check<unknown> = (value) => {
  if (!isString(value) || !/^[\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*$/.test(value)) {
    return `${show(value)} is not a list of scopes: words separated by single spaces, e.g. "openid email profile".`;
  }
  if (!value.split(' ').includes('openid')) return `${show(value)} must include "openid", e.g. "openid ${value}".`;
  return undefined;
};

/** A session timeout in seconds: what the load balancer allows, 1 second to 7 days. */
export const checkSessionTimeout: Check<unknown> = (value) => {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 604_800) return undefined;
  return `${show(value)} is not a session timeout: whole seconds from 1 to 604800 (7 days), e.g. 3600 for an hour.`;
};

/** The provider's CIDRs: valid, none the whole internet (leave the setting out for that), none repeated. */
export const checkProviderCidrs: Check<unknown> = (value) => {
  if (!Array.isArray(value) || value.length === 0) {
    return 'must be a list of the CIDRs the provider\'s endpoints are in, e.g. ["10.50.0.0/16"]; leave it out to allow 443 anywhere.';
  }
  for (const cidr of value) {
    if (isString(cidr) && /\/0$/.test(cidr)) return `${show(cidr)} is anywhere: leave providerCidrs out for that.`;
    const problem = checkCidr(cidr);
    if (problem) return problem;
  }
  const duplicate = value.find((cidr, i) => value.indexOf(cidr) !== i);
  if (duplicate) return `lists ${show(duplicate)} twice.`;
  return undefined;
};

/**
 * The npm registry a repo installs from (its `.npmrc`): an https URL (http only on this machine, for a test
 * registry) with no credentials in it: a token belongs in the user's own `~/.npmrc`, never in the repo.
 */
export const checkNpmRegistry: Check<unknown> = (value) => {
  const example = 'e.g. "https://npm.example.com/" or "https://artifactory.example.com/api/npm/npm-remote/"';
  const url = parseUrl(value, 'a registry URL', example);
  if (typeof url === 'string') return url;
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return `${show(value)} must use https (http only for a registry on this machine, e.g. http://127.0.0.1:4873/).`;
  }
  if (url.username || url.password) {
    return `${show(value)} holds credentials; put the token in your own ~/.npmrc (npm login --registry …), never in the repo.`;
  }
  if (url.search || url.hash) return `${show(value)} must not have a query or fragment, ${example}.`;
  return undefined;
};

/** The claims the load balancer always checks, which a machine caller's settings may not name (AWS refuses them). */
const ALWAYS_CHECKED_CLAIMS = ['exp', 'iss', 'nbf', 'iat'];
const CLAIM_FORMATS = ['single-string', 'string-array', 'space-separated-values'];
const MACHINE_FIELDS = ['issuer', 'jwksEndpoint', 'audience', 'claims', 'jwksCidrs'];
/** The load balancer's limit on additional claims per rule (the audience counts as one). */
export const MAX_MACHINE_CLAIMS = 10;

/**
 * `auth.machine`: the machine callers' provider, as the load balancer's JWT verification takes it. Every problem,
 * each naming its field (`jwksEndpoint`, `claims[1].values`).
 */
export function checkMachine(value: unknown): Array<{ field?: string; message: string }> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [{ message: `${show(value)} must be the machine callers' provider: { issuer, jwksEndpoint, audience?, claims?, jwksCidrs? }.` }];
  }
  const machine = value as Record<string, unknown>;
  const problems: Array<{ field?: string; message: string }> = [];
  const add = (field: string, message: string | undefined) => { if (message) problems.push({ field, message }); };
  for (const field of Object.keys(machine).filter((key) => !MACHINE_FIELDS.includes(key))) {
    add(field, `is not a field of auth.machine; they are ${MACHINE_FIELDS.join(', ')}.`);
  }
  add('issuer', machine.issuer === undefined ? 'is required: the tokens\' `iss`, exactly.' : checkIssuer(machine.issuer));
  if (machine.jwksEndpoint === undefined) {
    add('jwksEndpoint', 'is required: the provider\'s key set, e.g. "https://login.example.com/.well-known/jwks.json".');
  } else {
    const problem = checkHttpsUrl(machine.jwksEndpoint);
    add('jwksEndpoint', problem ?? ((machine.jwksEndpoint as string).length > 256 ? 'is over 256 characters, the load balancer\'s limit.' : undefined));
  }
  if (machine.audience !== undefined && !(isString(machine.audience) && /^[\x21-\x7e]{1,256}$/.test(machine.audience))) {
    add('audience', `${show(machine.audience)} is not an audience: 1 to 256 visible characters, no spaces, as the tokens' \`aud\` has it.`);
  }
  const claims = machine.claims ?? [];
  if (!Array.isArray(claims)) {
    add('claims', 'must be a list of { name, format, values }.');
  } else {
    const names = machine.audience !== undefined ? ['aud'] : [];
    claims.forEach((claim, i) => {
      const at = `claims[${i}]`;
      if (claim === null || typeof claim !== 'object' || Array.isArray(claim)) return add(at, `${show(claim)} must be { name, format, values }.`);
      const { name, format, values } = claim as Record<string, unknown>;
      if (!isString(name) || !/^[\x21-\x7e]{1,256}$/.test(name)) add(`${at}.name`, `${show(name)} is not a claim name.`);
      else if (ALWAYS_CHECKED_CLAIMS.includes(name)) add(`${at}.name`, `"${name}" is always checked by the load balancer: leave it out.`);
      else if (names.includes(name)) add(`${at}.name`, `"${name}" is named twice${name === 'aud' ? ' (audience is the aud claim)' : ''}.`);
      else names.push(name);
      if (!isString(format) || !CLAIM_FORMATS.includes(format)) add(`${at}.format`, `${show(format)} is not one of ${CLAIM_FORMATS.join(', ')}.`);
      if (!Array.isArray(values) || values.length === 0 || values.length > 10) {
        add(`${at}.values`, 'must be a list of 1 to 10 values.');
      } else {
        const bad = values.find((v) => !isString(v) || v.length === 0 || v.length > 256 || (format === 'space-separated-values' && /\s/.test(v)));
        if (bad !== undefined) add(`${at}.values`, `${show(bad)} is not a value: 1 to 256 characters${format === 'space-separated-values' ? ', no spaces' : ''}.`);
      }
    });
    if (names.length > MAX_MACHINE_CLAIMS) {
      add('claims', `names ${names.length} claims with the audience; the load balancer checks at most ${MAX_MACHINE_CLAIMS}.`);
    }
    if (machine.audience === undefined && claims.length === 0) {
      problems.push({ message: 'needs an audience or claims: without either, any token of the issuer would be let in, whoever it was issued for.' });
    }
  }
  if (machine.jwksCidrs !== undefined) {
    const cidrs = machine.jwksCidrs;
    if (!Array.isArray(cidrs) || cidrs.length === 0) {add('jwksCidrs', 'must be a list of the CIDRs the JWKS endpoint is in; leave it out to allow 443 anywhere.');} else {
      add('jwksCidrs', cidrs.map((cidr) => (isString(cidr) && /\/0$/.test(cidr) ? `${show(cidr)} is anywhere: leave jwksCidrs out for that.` : checkCidr(cidr)))
        .find(Boolean) ?? (cidrs.find((c, i) => cidrs.indexOf(c) !== i) !== undefined ? 'lists a CIDR twice.' : undefined));
    }
  }
  return problems;
}
