import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { HybridConfig } from '../constructs/config';
import { PrivateApp, privateAppsIn } from '../constructs/private-app';
import { Topology } from '../options';
import { TOPOLOGIES, TopologySpec } from '../topologies';

/**
 * What the managed checks look at: one environment's stack, synthesized, and the `PrivateApp` in it. Every lookup
 * here sees only the resources under that `PrivateApp` (`ours`), so that what a team adds to its stack (functions,
 * buckets, tables, rules on other listeners) never trips a check.
 */
export class CheckTarget {
  /** The environment's settings, as the `PrivateApp` was built with them. */
  public readonly config: HybridConfig;
  /** Its topology's spec (src/topologies.ts). */
  public readonly spec: TopologySpec;
  public readonly app: PrivateApp;
  public readonly template: Template;
  /** The template's resources by logical id. */
  public readonly resources: Record<string, any>;
  /** The logical ids of the resources under the `PrivateApp`. */
  public readonly ours: Set<string>;

  constructor(public readonly stack: Stack) {
    const apps = privateAppsIn(stack);
    if (apps.length !== 1) {
      throw new Error(`The managed checks look for one PrivateApp in the stack ${stack.node.path}; found ${apps.length}.`);
    }
    this.app = apps[0];
    this.config = this.app.config;
    this.spec = TOPOLOGIES[this.config.topology as Topology];
    this.template = Template.fromStack(stack);
    this.resources = this.template.toJSON().Resources;
    this.ours = new Set(this.app.node.findAll().filter(CfnResource.isCfnResource).map((resource) => stack.getLogicalId(resource)));
  }

  /** The logical id of one construct's resource (its default child). */
  public idOf(construct: IConstruct): string {
    return this.stack.getLogicalId(construct.node.defaultChild as CfnResource);
  }

  /** The package's resources of a type (with these properties), by logical id. */
  public find(type: string, props?: object): Record<string, any> {
    // Without properties to match, every resource of the type: one with no properties at all (a bare `new s3.Bucket`)
    // has no `Properties` to match `{}`.
    const found = props ? this.template.findResources(type, { Properties: props }) : this.template.findResources(type);
    return Object.fromEntries(Object.entries(found)
      .filter(([id]) => this.ours.has(id)));
  }

  /** The package's one resource of a type (with these properties). */
  public only<T = any>(type: string, props?: object): T {
    const found = Object.values(this.find(type, props));
    expect(found).toHaveLength(1);
    return found[0] as T;
  }

  /** The logical id of the load balancer's security group. */
  public albGroupId(): string {
    const lb = this.only('AWS::ElasticLoadBalancingV2::LoadBalancer');
    return lb.Properties.SecurityGroups[0]['Fn::GetAtt'][0];
  }

  /** The logical id of the package's HTTPS listener. */
  public httpsListenerId(): string {
    return Object.keys(this.find('AWS::ElasticLoadBalancingV2::Listener', { Port: 443 }))[0];
  }

  /** The package's listener rules of its HTTPS listener. */
  public httpsRules(): any[] {
    const https = this.httpsListenerId();
    return Object.values(this.find('AWS::ElasticLoadBalancingV2::ListenerRule'))
      .filter((rule) => JSON.stringify(rule.Properties.ListenerArn) === JSON.stringify({ Ref: https }));
  }

  /** The logical id of the package's `execute-api` endpoint, if it made one. */
  public executeApiEndpointId(): string | undefined {
    return Object.keys(this.find('AWS::EC2::VPCEndpoint'))
      .find((id) => JSON.stringify(this.resources[id].Properties.ServiceName).includes('.execute-api'));
  }

  /** A string of the template, references written `${LogicalId}` and `${LogicalId.Attribute}`. */
  public withPlaceholders(value: any): string {
    if (typeof value === 'string') return value;
    if (value.Ref) return `\${${value.Ref}}`;
    if (value['Fn::GetAtt']) return `\${${value['Fn::GetAtt'].join('.')}}`;
    if (value['Fn::Join']) return value['Fn::Join'][1].map((part: any) => this.withPlaceholders(part)).join(value['Fn::Join'][0]);
    throw new Error(`Unexpected in a string: ${JSON.stringify(value)}`);
  }
}
