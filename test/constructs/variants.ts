import { AUTH, MACHINE, PROD } from './util';
import { HybridServerlessAppOptions, Topology } from '../../src';

export const EXISTING_ENDPOINT = 'vpce-0123456789abcdef0';

/** Every topology, and the settings that change what it builds: frontend, sign-in, the handler in the VPC, an existing endpoint. */
export const VARIANTS: ReadonlyArray<readonly [string, Partial<HybridServerlessAppOptions>]> = [
  ['alb-lambda', {}],
  ['alb-lambda with a frontend', { frontend: true }],
  ['alb-lambda with sign-in, in production, without a frontend', { auth: AUTH, production: true }],
  ['alb-lambda with a frontend, sign-in, the handler in the VPC and two environments (sign-in off in prod)', {
    frontend: true, auth: AUTH, handlerEgress: ['10.20.0.0/16:5432', '2001:db8::/32:443'], environments: [{ name: 'dev' }, { ...PROD, auth: false }],
  }],
  ['alb-lambda with sign-in and machine callers, key set anywhere (the sign-in\'s egress serves both)', {
    auth: { ...AUTH, machine: { issuer: MACHINE.issuer, jwksEndpoint: MACHINE.jwksEndpoint, audience: MACHINE.audience } },
  }],
  ['apigw-vpce', { topology: Topology.APIGW_VPCE }],
  ['apigw-vpce with a frontend, sign-in and machine callers (an audience and a scope, the key set in one range)', {
    topology: Topology.APIGW_VPCE, frontend: true, auth: { ...AUTH, machine: MACHINE },
  }],
  ['apigw-vpce with a frontend, sign-in, the handler in the VPC and reserved concurrency', {
    topology: Topology.APIGW_VPCE, frontend: true, auth: AUTH, handlerEgress: ['10.20.0.0/16:5432'], reservedConcurrency: 5,
  }],
  ['apigw-vpce with an existing endpoint and an IPv6 corporate range', {
    topology: Topology.APIGW_VPCE, vpcEndpointId: EXISTING_ENDPOINT, corporateCidrs: ['10.0.0.0/8', 'fd00::/8'],
  }],
  ['apigw-vpce with a frontend, a permissions boundary and required tags (on aws-cdk-lib\'s own roles and resources too)', {
    topology: Topology.APIGW_VPCE, frontend: true, permissionsBoundary: 'acme-boundary', tags: { 'cost-centre': '4711', 'owner': 'orders' },
  }],
  ['alb-lambda with sign-in, the handler in the VPC and two environments, each with its boundary and tags', {
    auth: AUTH,
    handlerEgress: ['10.20.0.0/16:5432'],
    permissionsBoundary: 'arn:aws:iam::${AWS::AccountId}:policy/acme-boundary',
    tags: { 'cost-centre': '4711' },
    environments: [{ name: 'dev' }, { ...PROD, permissionsBoundary: 'prod-boundary', tags: { 'data-class': 'internal' } }],
  }],
  ['apigw-private-domain', { topology: Topology.APIGW_PRIVATE_DOMAIN }],
  ['apigw-private-domain with an existing endpoint, the handler in the VPC, in production', {
    topology: Topology.APIGW_PRIVATE_DOMAIN, vpcEndpointId: EXISTING_ENDPOINT, handlerEgress: ['10.20.0.0/16:5432'], production: true,
  }],
];
