import { HybridServerlessAppOptions, MachineAuthSettings, OidcAuthSettings, Topology } from '../src';
import { newProject, problemsOf, synth } from './util';
import { renderProjenrc } from '../src/projenrc';

// `auth.machine`: machine callers' provider, verified by the load balancer. Checked field by field, refused where no
// load balancer verifies it, rendered into the generated config with its defaults.

const AUTH: OidcAuthSettings = {
  issuer: 'https://login.example.com/tenant/v2.0',
  authorizationEndpoint: 'https://login.example.com/tenant/authorize',
  tokenEndpoint: 'https://login.example.com/tenant/token',
  userInfoEndpoint: 'https://login.example.com/userinfo',
  clientId: 'orders',
  clientSecret: 'orders/oidc',
};
const MACHINE: MachineAuthSettings = {
  issuer: 'https://auth.services.example.com',
  jwksEndpoint: 'https://auth.services.example.com/.well-known/jwks.json',
  audience: 'api://orders',
};

const withMachine = (machine: unknown, topology?: Topology) => ({ ...(topology ? { topology } : {}), auth: { ...AUTH, machine } });
const claim = (name: string, values: string[] = ['x'], format: string = 'single-string') => ({ name, format, values });

describe('auth.machine: the settings', () => {
  test('good: an audience, claims in each format, the key set\'s CIDRs; on both topologies with a load balancer', () => {
    expect(problemsOf(withMachine(MACHINE))).toEqual([]);
    expect(problemsOf(withMachine({
      ...MACHINE,
      audience: undefined,
      claims: [claim('azp', ['billing']), claim('roles', ['orders.read', 'orders.admin'], 'string-array'),
        claim('scope', ['orders.read'], 'space-separated-values')],
      jwksCidrs: ['203.0.113.0/24', '2001:db8::/32'],
    }, Topology.APIGW_VPCE))).toEqual([]);
    expect(problemsOf({ environments: [{ name: 'dev' }, { name: 'prod', auth: { ...AUTH, machine: MACHINE } }] })).toEqual([]);
  });

  test.each([
    ['neither audience nor claims', { ...MACHINE, audience: undefined }, /^auth\.machine: needs an audience or claims/],
    ['an http key set', { ...MACHINE, jwksEndpoint: 'http://auth.services.example.com/jwks' }, /^auth\.machine\.jwksEndpoint: .* must use https/],
    ['a key set over 256 characters', { ...MACHINE, jwksEndpoint: `https://auth.example.com/${'k'.repeat(240)}` }, /^auth\.machine\.jwksEndpoint: is over 256 characters/],
    ['no key set', { ...MACHINE, jwksEndpoint: undefined }, /^auth\.machine\.jwksEndpoint: is required/],
    ['an http issuer', { ...MACHINE, issuer: 'http://auth.services.example.com' }, /^auth\.machine\.issuer: .* must use https/],
    ['an audience with a space', { ...MACHINE, audience: 'api orders' }, /^auth\.machine\.audience: "api orders" is not an audience/],
    ['an unknown field', { ...MACHINE, jwks: 'x' }, /^auth\.machine\.jwks: is not a field of auth\.machine/],
    ['a claim the load balancer always checks', { ...MACHINE, claims: [claim('exp')] }, /^auth\.machine\.claims\[0\]\.name: "exp" is always checked/],
    ['aud twice', { ...MACHINE, claims: [claim('aud')] }, /^auth\.machine\.claims\[0\]\.name: "aud" is named twice \(audience is the aud claim\)/],
    ['an unknown format', { ...MACHINE, claims: [claim('azp', ['x'], 'regex')] }, /^auth\.machine\.claims\[0\]\.format: "regex" is not one of single-string, string-array, space-separated-values/],
    ['no values', { ...MACHINE, claims: [claim('azp', [])] }, /^auth\.machine\.claims\[0\]\.values: must be a list of 1 to 10 values/],
    ['eleven values', { ...MACHINE, claims: [claim('azp', Array.from({ length: 11 }, (_, i) => `v${i}`))] }, /^auth\.machine\.claims\[0\]\.values: must be a list of 1 to 10/],
    ['a space in a space-separated value', { ...MACHINE, claims: [claim('scope', ['a b'], 'space-separated-values')] },
      /^auth\.machine\.claims\[0\]\.values: "a b" is not a value: 1 to 256 characters, no spaces/],
    ['eleven claims with the audience', { ...MACHINE, claims: Array.from({ length: 10 }, (_, i) => claim(`c${i}`)) },
      /^auth\.machine\.claims: names 11 claims with the audience; the load balancer checks at most 10/],
    ['the key set anywhere, spelled out', { ...MACHINE, jwksCidrs: ['0.0.0.0/0'] }, /^auth\.machine\.jwksCidrs: "0\.0\.0\.0\/0" is anywhere/],
    ['a key set CIDR with host bits', { ...MACHINE, jwksCidrs: ['203.0.113.1/24'] }, /^auth\.machine\.jwksCidrs: "203\.0\.113\.1\/24" has host bits set/],
    ['not an object', 'https://auth.services.example.com', /^auth\.machine: .* must be the machine callers' provider/],
  ])('bad: %s', (_what, machine, expected) => {
    const problems = problemsOf(withMachine(machine));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  test('refused where no load balancer verifies tokens, naming the topologies that do', () => {
    expect(problemsOf(withMachine(MACHINE, Topology.APIGW_PRIVATE_DOMAIN))).toEqual([
      'auth: the topology "apigw-private-domain" has no load balancer to sign users in at or to verify machine callers\' tokens at; ' +
      'choose "alb-lambda" or "apigw-vpce" for sign-in and machine callers, or an IAM or Lambda authorizer on the API.',
    ]);
  });

  test('the project type refuses a bad one in .projenrc.ts, naming the field', () => {
    expect(() => newProject({ auth: { ...AUTH, machine: { ...MACHINE, jwksEndpoint: 'http://x.example.com/jwks' } } }))
      .toThrow(/auth\.machine\.jwksEndpoint: .* must use https/);
  });
});

describe('auth.machine: what is rendered', () => {
  test('the config holds it with its defaults (no claims, the key set anywhere on 443); without it, no machine field', () => {
    const config: string = synth(newProject({ auth: { ...AUTH, machine: MACHINE } }))['src/hybrid/config.ts'];
    expect(config).toContain([
      '      machine: {',
      '        claims: [],',
      "        jwksCidrs: ['0.0.0.0/0'],",
      `        issuer: '${MACHINE.issuer}',`,
      `        jwksEndpoint: '${MACHINE.jwksEndpoint}',`,
      `        audience: '${MACHINE.audience}',`,
      '      },',
    ].join('\n'));
    expect(synth(newProject({ auth: AUTH }))['src/hybrid/config.ts']).not.toContain('machine');
  });

  test('the generated .projenrc.ts writes it as plain values, which the options\' types take', () => {
    const machine = { ...MACHINE, claims: [claim('scope', ['orders.read'], 'space-separated-values')] };
    const text = renderProjenrc({ name: 'orders', auth: { ...AUTH, machine } });
    expect(text).toContain("format: 'space-separated-values'");
    // What the generated file's type-check sees: the options interface takes the claim's format as written.
    const typed: HybridServerlessAppOptions['auth'] = { ...AUTH, machine };
    expect(typed).toBeDefined();
  });
});

describe('auth.machine: docs/architecture.md', () => {
  test('says how to get a token and the key set\'s limits, with each environment\'s provider', () => {
    const docs: string = synth(newProject({
      auth: { ...AUTH, machine: { ...MACHINE, claims: [claim('scope', ['orders.read'], 'space-separated-values')], jwksCidrs: ['203.0.113.0/24'] } },
      environments: [{ name: 'dev' }, { name: 'test', auth: false }],
    }))['docs/architecture.md'];
    const section = docs.split('### Machine callers')[1].split('\n## ')[0];
    expect(section).toContain(`| \`dev\` | \`${MACHINE.issuer}\` | \`${MACHINE.jwksEndpoint}\` | \`api://orders\` | \`scope\` (space-separated-values): \`orders.read\` | \`203.0.113.0/24\` |`);
    expect(section).toContain('| `test` | off |');
    for (const fact of ['GET /_dev/token?sub=<name>', '**public** endpoint', '**150 KB**', '**10 keys**', '**RS256**', 'a NAT', 'kind: \'machine\'']) {
      expect(section).toContain(fact);
    }
  });

  test('without it, the section says how to add it', () => {
    const docs: string = synth(newProject({ auth: AUTH }))['docs/architecture.md'];
    expect(docs.split('### Machine callers')[1]).toMatch(/^\n+Off: `\/api\/\*` takes people only/);
  });
});
