import { Stack } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface AlbLambdaApiProps {
  /** The function that answers every request under `/api/`. */
  readonly handler: lambda.IFunction;
}

/**
 * Topology "ALB to Lambda": the load balancer invokes the handler directly, with multi-value
 * headers. The invoke permission is limited to load balancers of this account (`SourceAccount`);
 * it carries no `SourceArn`: the target group's ARN there would be a circular dependency (cfn-lint E3004).
 */
export class AlbLambdaApi extends Construct {
  /** The target group of type `lambda`, for the load balancer's listener. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  constructor(scope: Construct, id: string, props: AlbLambdaApiProps) {
    super(scope, id);
    props.handler.addPermission('AlbInvoke', {
      principal: new iam.ServicePrincipal('elasticloadbalancing.amazonaws.com'),
      sourceAccount: Stack.of(this).account,
    });
    // CDK's LambdaTarget grants without SourceAccount: the target is declared here instead.
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'Targets', {
      targetType: elbv2.TargetType.LAMBDA,
      targets: [{
        attachToApplicationTargetGroup: () => ({ targetType: elbv2.TargetType.LAMBDA, targetJson: { id: props.handler.functionArn } }),
      }],
    });
    // The load balancer checks its permission when the target is registered.
    this.targetGroup.node.addDependency(props.handler.permissionsNode.findChild('AlbInvoke'));
    // Repeated headers and query parameters reach the handler; the adapter answers in kind.
    this.targetGroup.setAttribute('lambda.multi_value_headers.enabled', 'true');
  }
}
