import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { ANSWER_KEYS } from '../src/cli/inputs';
import { Topology } from '../src/options';
import {
  AUTH_FIELDS, configOf, ENVIRONMENT_KEYS, placeholdersIn, REGISTRY, resolve, resolveAuth, resolveEnvironments, SETTING_KEYS, SETTINGS,
  settingProblems, settingsToWrite, withDefaults,
} from '../src/settings';

/** The properties of an interface of this package, as jsii recorded them (what `.projenrc.ts` and the docs know). */
function jsiiProperties(name: string): string[] {
  return jsiiDocs(name).map((p) => p.name);
}

function jsiiDocs(name: string): Array<{ name: string; docs: { default?: string } }> {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '.jsii'), 'utf-8'));
  return manifest.types[`create-hybrid-serverless.${name}`].properties;
}

/** A documented `@default` as a value: a JSON literal, or an enum member (`Topology.ALB_LAMBDA`); else (prose, "- …") undefined. */
function documentedValue(text: string | undefined): unknown {
  if (text === undefined || text.startsWith('- ')) return undefined;
  const member = /^Topology\.(\w+)$/.exec(text);
  return member ? (Topology as Record<string, string>)[member[1]] : JSON.parse(text);
}

describe('the registry', () => {
  test('has an entry for every option of HybridServerlessSettings and nothing else; environments and auth theirs', () => {
    expect([...SETTING_KEYS].sort()).toEqual(jsiiProperties('HybridServerlessSettings').sort());
    expect([...ENVIRONMENT_KEYS].sort()).toEqual(jsiiProperties('EnvironmentSettings').filter((key) => key !== 'name').sort());
    expect(Object.keys(AUTH_FIELDS).sort()).toEqual(jsiiProperties('OidcAuthSettings').sort());
  });

  test('the documented @default of each option is the registry\'s; a default described in words is one the registry computes or lacks', () => {
    for (const { name, docs } of jsiiDocs('HybridServerlessSettings')) {
      const fallback = (REGISTRY[name as keyof typeof REGISTRY] as { default?: unknown }).default;
      const documented = documentedValue(docs.default);
      if (documented !== undefined) expect([name, documented]).toEqual([name, fallback]);
      else expect([name, typeof fallback === 'function' || fallback === undefined || name === 'environments']).toEqual([name, true]);
    }
    for (const { name, docs } of jsiiDocs('OidcAuthSettings')) {
      const fallback = (AUTH_FIELDS as Record<string, { default?: unknown }>)[name].default;
      const documented = documentedValue(docs.default);
      if (documented !== undefined) expect([name, documented]).toEqual([name, fallback]);
    }
  });

  test('a setting a default or check reads comes before it, so that resolving in order sees it', () => {
    for (const [i, key] of SETTING_KEYS.entries()) {
      for (const other of REGISTRY[key].dependsOn ?? []) expect([key, SETTING_KEYS.indexOf(other)]).toEqual([key, expect.any(Number)]);
      for (const other of REGISTRY[key].dependsOn ?? []) expect(SETTING_KEYS.indexOf(other)).toBeLessThan(i);
    }
  });

  test('every default passes its own check, and the placeholders among them are the ones a deploy needs replaced', () => {
    const defaults = withDefaults({});
    expect(settingProblems({})).toEqual([]);
    expect(placeholdersIn(defaults)).toEqual(['domain', 'hostedZoneId', 'account', 'certificateArn', 'vpcId', 'subnetIds']);
    expect(placeholdersIn(withDefaults({ domain: 'orders.corp.example.com', account: '111122223333', subnetIds: ['subnet-11112222', 'subnet-0123456789abcdef0'] })))
      .toEqual(['hostedZoneId', 'certificateArn', 'vpcId', 'subnetIds']);
  });

  test('a default is never shared: changing one resolution leaves the next as it was', () => {
    (withDefaults({}).subnetIds as string[]).push('subnet-99998888');
    expect(withDefaults({}).subnetIds).toEqual(['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210']);
  });

  test('the CLI\'s flags and questions are its entries with a `cli` part, in registry order', () => {
    expect(SETTINGS.map((spec) => spec.key)).toEqual(SETTING_KEYS.filter((key) => REGISTRY[key].cli));
    expect(SETTINGS.map((spec) => spec.flag)).toEqual(SETTINGS.map((spec) => `--${spec.key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`));
    expect(SETTINGS.filter((spec) => spec.optional).map((spec) => spec.key)).toEqual(['vpcEndpointId', 'handlerEgress', 'reservedConcurrency',
      'permissionsBoundary', 'tags', 'npmRegistry']);
  });

  test('the answers file takes every option by name, and the project name', () => {
    expect(ANSWER_KEYS).toEqual(['name', ...SETTING_KEYS]);
  });
});

describe('nested kinds', () => {
  const AUTH = {
    issuer: 'https://idp.example.com',
    authorizationEndpoint: 'https://idp.example.com/authorize',
    tokenEndpoint: 'https://idp.example.com/token',
    userInfoEndpoint: 'https://idp.example.com/userinfo',
    clientId: 'orders',
    clientSecret: 'orders/oidc',
  };

  test('auth: each field checked and named; its defaults from the registry', () => {
    expect(settingProblems({ auth: { ...AUTH, sessionTimeout: 0, clientId: undefined } as never }).map((p) => p.key))
      .toEqual(['auth.clientId', 'auth.sessionTimeout']);
    expect(resolveAuth(AUTH)).toEqual({ ...AUTH, scope: 'openid email profile', sessionTimeout: 3600, providerCidrs: ['0.0.0.0/0'] });
    expect(settingProblems({ auth: false })).toEqual([]);
  });

  test('environments: named, unique, each one\'s own values checked, and what follows them checked again', () => {
    const problems = settingProblems({
      region: 'eu-central-1',
      certificateArn: 'arn:aws:acm:eu-central-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
      environments: [{ name: 'dev' }, { name: 'dev', region: 'eu-west-1' }, { name: 'Prod', subnetIds: ['subnet-1'] }],
    });
    expect(problems.map((p) => p.key)).toEqual(['environments[1].name', 'environments[1].certificateArn', 'environments[2].name', 'environments[2].subnetIds']);
    expect(problems[1].message).toContain('is in eu-central-1, but the app deploys to eu-west-1');
  });

  test('a placeholder certificate follows each environment\'s region and account; a real one is inherited as it is', () => {
    const placeholder = withDefaults({ region: 'eu-central-1' }).certificateArn;
    const [dev, prod] = resolveEnvironments({ region: 'eu-central-1', certificateArn: placeholder, environments: [{ name: 'dev' }, { name: 'prod', region: 'eu-west-1' }] });
    expect(dev.certificateArn).toBe(placeholder);
    expect(prod.certificateArn).toBe('arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000');
    const real = 'arn:aws:acm:eu-central-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
    expect(resolveEnvironments({ certificateArn: real, environments: [{ name: 'prod', region: 'eu-west-1' }] })[0].certificateArn).toBe(real);
  });

  test('switchedOffChecks: each entry checked and named', () => {
    expect(settingProblems({ switchedOffChecks: [{ id: 'alb-internal', reason: 'x' }] }).map((p) => p.key)).toEqual(['switchedOffChecks[0].reason']);
  });
});

describe('layers (the CLI\'s sources, and a company preset)', () => {
  const preset = { source: 'the preset @acme/platform', values: { corporateCidrs: ['10.40.0.0/14'], region: 'eu-central-1' }, locked: ['corporateCidrs' as const] };

  test('a later layer wins, setting by setting, and each value says where it came from', () => {
    const resolution = resolve([preset, { source: '.projenrc.ts', values: { region: 'eu-west-1', domain: 'orders.corp.example.com' } }]);
    expect(resolution.problems).toEqual([]);
    expect(resolution.settings).toMatchObject({ corporateCidrs: ['10.40.0.0/14'], region: 'eu-west-1', domain: 'orders.corp.example.com', vpcId: 'vpc-0123456789abcdef0' });
    expect(resolution.sources).toEqual({ corporateCidrs: 'the preset @acme/platform', region: '.projenrc.ts', domain: '.projenrc.ts' });
  });

  test('a locked value may be repeated, not changed: the problem names the layer that locked it', () => {
    expect(resolve([preset, { source: '.projenrc.ts', values: { corporateCidrs: ['10.40.0.0/14'] } }]).problems).toEqual([]);
    expect(resolve([preset, { source: '.projenrc.ts', values: { corporateCidrs: ['0.0.0.0/0'] } }]).problems).toEqual([{
      key: 'corporateCidrs',
      message: '.projenrc.ts sets ["0.0.0.0/0"], but the preset @acme/platform locks it to ["10.40.0.0/14"]. Remove corporateCidrs from .projenrc.ts (the locked value applies).',
    }]);
  });

  test('.projenrc.ts gets what was given and the defaults; with a preset only what was given (its next version reaches the repo)', () => {
    const plain = settingsToWrite(resolve([{ source: 'the CLI', values: { domain: 'orders.corp.example.com' } }]));
    expect(plain).toMatchObject({ domain: 'orders.corp.example.com', topology: 'alb-lambda', corporateCidrs: ['10.0.0.0/8'], environments: [{ name: 'dev' }] });
    expect(Object.keys(plain)).toEqual(SETTING_KEYS.filter((key) => key in plain));
    const written = settingsToWrite(resolve([preset, { source: 'the CLI', values: { domain: 'orders.corp.example.com' } }]), [preset.source]);
    expect(written).toEqual({ domain: 'orders.corp.example.com' });
  });
});

/**
 * The compiler lists what is missing: a registry without an entry for an option, a default for an
 * option that has none, or a per-environment entry that EnvironmentSettings lacks, does not compile.
 */
describe('the registry\'s type', () => {
  const diagnostics = (code: string): string[] => {
    const file = path.join(__dirname, '..', 'src', 'settings', `probe-${process.pid}.ts`);
    fs.writeFileSync(file, code);
    try {
      const config = ts.getParsedCommandLineOfConfigFile(path.join(__dirname, '..', 'tsconfig.json'), {}, ts.sys as unknown as ts.ParseConfigFileHost)!;
      const program = ts.createProgram([file], { ...config.options, noEmit: true });
      // Each with the code it points at: the option is named there.
      return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) =>
        `${d.file?.text.slice(d.start, (d.start ?? 0) + (d.length ?? 0))}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    } finally {
      fs.rmSync(file, { force: true });
    }
  };

  test('accepts the registry as it is', () => {
    expect(diagnostics('import { Registry, REGISTRY } from \'./registry\';\nexport const same: Registry = { ...REGISTRY };\n')).toEqual([]);
  });

  test.each([
    ['an option without an entry', 'const { domain: _domain, ...rest } = REGISTRY;\nexport const missing: Registry = rest;', /^missing: Property 'domain' is missing/],
    ['a default for an option without one', 'export const withDefault: Registry = { ...REGISTRY, handlerEgress: { ...REGISTRY.handlerEgress, default: [] } };',
      /^default: Type 'never\[\]' is not assignable to type '"none: the option is in OptionalKey \(remove this default, or the option from OptionalKey\)"'/],
    ['an environment may not set an app-wide option', 'export const perEnvironment: Registry = { ...REGISTRY, topology: { ...REGISTRY.topology, perEnvironment: true } };',
      /^perEnvironment: Type 'true' is not assignable to type '"not allowed: EnvironmentSettings has no such field/],
    ['a per-environment option must say so', 'const { perEnvironment: _p, ...domain } = REGISTRY.domain;\nexport const notPerEnvironment: Registry = { ...REGISTRY, domain };',
      /^domain: [\s\S]*Property 'perEnvironment' is missing/],
  ])('refuses %s, at the option', (_, code, message) => {
    const found = diagnostics(`import { Registry, REGISTRY } from './registry';\n${code}\n`);
    expect(found).toEqual([expect.stringMatching(message)]);
  });
});

describe('the generated config', () => {
  test('holds each environment: its name, then every setting in registry order, its own value where it sets one', () => {
    const given = {
      domain: 'orders.corp.example.com',
      handlerEgress: ['10.20.0.0/16:5432'],
      auth: {
        issuer: 'https://idp.example.com',
        authorizationEndpoint: 'https://idp.example.com/a',
        tokenEndpoint: 'https://idp.example.com/t',
        userInfoEndpoint: 'https://idp.example.com/u',
        clientId: 'c',
        clientSecret: 'orders/oidc',
      },
      environments: [{ name: 'dev' }, { name: 'prod', account: '222233334444', auth: false, qualifier: 'orders' }],
    };
    const settings = withDefaults(given);
    const [dev, prod] = resolveEnvironments(given).map((environment) => configOf(settings, environment));
    expect(Object.keys(dev)).toEqual(['name', 'topology', 'frontend', 'domain', 'hostedZoneId', 'account', 'region', 'certificateArn', 'vpcId',
      'subnetIds', 'corporateCidrs', 'production', 'handlerDestinations', 'auth', 'nagPacks']);
    expect(dev).toMatchObject({
      name: 'dev',
      handlerDestinations: [{ cidr: '10.20.0.0/16', fromPort: 5432, toPort: 5432 }],
      auth: { clientId: 'c', scope: 'openid email profile', sessionTimeout: 3600, providerCidrs: ['0.0.0.0/0'] },
    });
    expect(prod).toMatchObject({ name: 'prod', account: '222233334444', qualifier: 'orders', domain: 'orders.corp.example.com' });
    expect(prod).not.toHaveProperty('auth');
    expect(prod.certificateArn).toBe('arn:aws:acm:eu-west-1:222233334444:certificate/00000000-0000-0000-0000-000000000000');
  });
});
