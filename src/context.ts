import { Topology } from './options';
import { placeholdersIn, ResolvedSettings, SETTINGS } from './settings';

/**
 * Everything the templates need, computed here so that templates stay dumb: they lay text
 * out and insert values with `{{json …}}`, nothing more.
 */
export interface TemplateContext {
  readonly name: string;
  readonly settings: ResolvedSettings;
  /** The CDK stack's name (and construct id). */
  readonly stackName: string;
  readonly apigw: boolean;
  readonly albLambda: boolean;
  readonly frontend: boolean;
  /** The construct that wires the chosen topology, and its module. */
  readonly apiClass: string;
  readonly apiModule: string;
  /** The existing VPC endpoint to use, or false to create one. */
  readonly vpcEndpointId: string | false;
  /** A one-line description of the chosen topology. */
  readonly topologyTitle: string;
  /** Settings still holding placeholders, with their flag and question, for the README. */
  readonly placeholders: ReadonlyArray<{ key: string; flag: string; question: string; value: string }>;
}

const TOPOLOGY_MODULES: Record<Topology, { apiClass: string; apiModule: string; title: string }> = {
  [Topology.ALB_LAMBDA]: {
    apiClass: 'AlbLambdaApi',
    apiModule: 'alb-lambda-api',
    title: 'internal Application Load Balancer → Lambda',
  },
  [Topology.APIGW_VPCE]: {
    apiClass: 'ApigwVpceApi',
    apiModule: 'apigw-vpce-api',
    title: 'internal Application Load Balancer → execute-api VPC endpoint → private API Gateway → Lambda',
  },
};

/** PascalCase of an npm name: `@acme/my-app` → `AcmeMyApp`. */
export function pascalCase(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('') || 'App';
}

export function templateContext(name: string, settings: ResolvedSettings): TemplateContext {
  const topology = TOPOLOGY_MODULES[settings.topology];
  const placeholderKeys = placeholdersIn(settings);
  return {
    name,
    settings,
    stackName: pascalCase(name.replace(/^@[^/]+\//, '')),
    apigw: settings.topology === Topology.APIGW_VPCE,
    albLambda: settings.topology === Topology.ALB_LAMBDA,
    frontend: settings.frontend,
    apiClass: topology.apiClass,
    apiModule: topology.apiModule,
    topologyTitle: topology.title,
    vpcEndpointId: settings.vpcEndpointId ?? false,
    placeholders: SETTINGS.filter((spec) => placeholderKeys.includes(spec.key)).map((spec) => ({
      key: spec.key,
      flag: spec.flag,
      question: spec.question,
      value: JSON.stringify(settings[spec.key]),
    })),
  };
}
