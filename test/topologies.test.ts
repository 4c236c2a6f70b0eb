import * as fs from 'fs';
import * as path from 'path';
import { Topology } from '../src';
import { buildApp, environmentsFor } from './constructs/util';
import { newProject, synth } from './util';
import { TEMPLATES_DIR } from '../src/render';
import { SETTINGS } from '../src/settings';
import { EVENT_SHAPES, EventShape, TOPOLOGIES } from '../src/topologies';

/** Every topology, in the record's order. */
const ALL = Object.keys(TOPOLOGIES) as Topology[];
const AUTH = {
  issuer: 'https://login.example.com',
  authorizationEndpoint: 'https://login.example.com/authorize',
  tokenEndpoint: 'https://login.example.com/token',
  userInfoEndpoint: 'https://login.example.com/userinfo',
  clientId: 'app',
  clientSecret: 'app/oidc',
};

describe('TOPOLOGIES', () => {
  test('has a spec for every topology, in the order the CLI offers them, the default first', () => {
    expect([...ALL].sort()).toEqual(Object.values(Topology).sort());
    expect(Object.keys(TOPOLOGIES)[0]).toBe(Topology.ALB_LAMBDA);
    expect(SETTINGS.find((spec) => spec.key === 'topology')!.choices!.map((choice) => choice.value)).toEqual(Object.keys(TOPOLOGIES));
  });

  // Every topology walked through its spec: its traits agree with one another, and each part of the package that
  // asks the spec gets an answer that holds.
  describe.each(ALL)('%s', (topology) => {
    const spec = TOPOLOGIES[topology];

    test('reaches the function one way: a Lambda target, the endpoint\'s IPs behind the load balancer, or a private domain name', () => {
      expect([spec.lambdaTarget, spec.endpointTargets, spec.privateDomainName].filter(Boolean)).toHaveLength(1);
      if (spec.lambdaTarget) expect({ loadBalancer: spec.loadBalancer, restApi: spec.restApi }).toEqual({ loadBalancer: true, restApi: false });
      if (spec.endpointTargets) expect([spec.loadBalancer, spec.restApi, spec.executeApiEndpoint]).toEqual([true, true, true]);
      if (spec.privateDomainName) expect([spec.loadBalancer, spec.restApi, spec.executeApiEndpoint]).toEqual([false, true, true]);
      // The function gets the event of what invokes it.
      expect(spec.event).toBe(spec.restApi ? EventShape.APIGW_PROXY : EventShape.ALB_MULTI_VALUE);
    });

    test('offers a frontend and sign-in only where a load balancer serves them', () => {
      if (spec.frontend) expect(spec.loadBalancer).toBe(true);
      if (spec.signIn) expect(spec.loadBalancer).toBe(true);
    });

    test('names limits the handler can live with, and texts for the menu, the docs and the dev server', () => {
      expect(spec.limits.requestBytes).toBeGreaterThan(0);
      expect(spec.limits.responseBytes).toBeGreaterThan(0);
      for (const text of [spec.path, spec.shortPath, spec.menu.title, spec.menu.hint, spec.choose.cost, spec.choose.limits,
        spec.choose.for, spec.frontDoor]) {
        expect(text.trim()).not.toBe('');
      }
      // The path says what is in it.
      expect(spec.path.includes('Load Balancer')).toBe(spec.loadBalancer);
      expect(spec.path.includes('API Gateway')).toBe(spec.restApi);
      expect(spec.frontDoor.includes('load balancer')).toBe(spec.loadBalancer);
      expect(spec.frontDoor.includes('API Gateway')).toBe(spec.restApi);
    });

    test('has its docs templates, and its construct in create-hybrid-serverless/constructs, which PrivateApp builds', () => {
      expect(fs.existsSync(path.join(TEMPLATES_DIR, `${spec.docs}.hbs`))).toBe(true);
      expect(fs.existsSync(path.join(TEMPLATES_DIR, `${EVENT_SHAPES[spec.event].docs}.hbs`))).toBe(true);
      expect(fs.existsSync(path.join(__dirname, '..', 'src', 'constructs', `${spec.construct.module}.ts`))).toBe(true);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require(`../src/constructs/${spec.construct.module}`);
      expect(typeof module[spec.construct.className]).toBe('function');
      const built = buildApp(environmentsFor({ topology })[0]).privateApp;
      expect(built.api).toBeInstanceOf(module[spec.construct.className]);
    });

    test('generates what the spec says: the construct, the docs, the dev server\'s event and limit', () => {
      const files = synth(newProject({ topology }));
      expect(files['src/hybrid/private-app.ts']).toContain(`export class PrivateApp extends ManagedPrivateApp<'${topology}'> {`);
      expect(files['src/hybrid/private-app.ts']).toContain(`this app's topology (${spec.path})`);
      expect(files['src/hybrid/private-app.ts'].includes('`alb`')).toBe(spec.loadBalancer);
      expect(files['src/hybrid/config.ts']).toContain(`export type HybridConfig = EnvironmentConfig<'${topology}'>;`);

      const docs: string = files['docs/architecture.md'];
      expect(docs).toContain(`only the corporate network can reach: ${spec.path}`);
      for (const row of ALL) expect(docs).toContain(`| \`${row}\` | ${TOPOLOGIES[row].shortPath} | ${TOPOLOGIES[row].choose.cost} |`);
      expect(docs).toContain(`gets a 502, as from ${spec.frontDoor}.`);
      expect(docs).toContain(spec.event === EventShape.ALB_MULTI_VALUE ? 'with the event of a target group' : 'Lambda proxy integration');
      expect(docs).not.toMatch(/both topologies|either topology/);

      const server: string = files['src/hybrid/dev/server.ts'];
      expect(server).toContain(`event: '${spec.event}',`);
      expect(server).toContain(`requestLimit: ${spec.limits.requestBytes},`);
      expect(server).toContain(`path: '${spec.shortPath}',`);
      expect(server).toContain(`invoker: '${EVENT_SHAPES[spec.event].invoker}',`);
    });

    test('lists the rules its constructs acknowledge in the docs', () => {
      const docs: string = synth(newProject({ topology }))['docs/architecture.md'];
      const acknowledged = spec.acknowledgements({ existingEndpoint: false, authWhy: 'because' });
      for (const { rule, where } of acknowledged) expect(docs).toContain(`| ${rule} | ${where} |`);
      expect(docs.includes('| S1 | the access log bucket |')).toBe(spec.loadBalancer);
      expect(docs.includes('| APIG3 | the stage |')).toBe(spec.restApi);
    });

    test('takes a frontend, sign-in and an existing execute-api endpoint where the spec says so, and refuses them elsewhere', () => {
      const attempt = (options: object) => {
        try {
          newProject({ topology, ...options });
          return 'accepted';
        } catch (error) {
          return (error as Error).message;
        }
      };
      const names = (trait: 'frontend' | 'signIn' | 'executeApiEndpoint') => ALL.filter((t) => TOPOLOGIES[t][trait]);
      const frontend = attempt({ frontend: true });
      if (spec.frontend) expect(frontend).toBe('accepted');
      else expect(frontend).toContain(`frontend: the topology "${topology}" serves the API only`);
      const signIn = attempt({ auth: AUTH });
      if (spec.signIn) expect(signIn).toBe('accepted');
      else expect(signIn).toContain(`auth: the topology "${topology}" has no load balancer to sign users in at; choose ${names('signIn').map((t) => `"${t}"`).join(' or ')}`);
      const endpoint = attempt({ vpcEndpointId: 'vpce-0123456789abcdef0' });
      if (spec.executeApiEndpoint) expect(endpoint).toBe('accepted');
      else expect(endpoint).toContain(`vpcEndpointId: applies only to the topologies ${names('executeApiEndpoint').map((t) => `"${t}"`).join(' and ')}`);
    });
  });
});
