import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on `scope` (and its children), with the reason an auditor
 * reads. Acknowledge where the permission or resource is made, so the reason sits next to it.
 *
 * @example acknowledgeNag(route, 'AwsSolutions-APIG4', 'Public page: the signed token is the credential.');
 */
export function acknowledgeNag(scope: IConstruct, ruleId: string, reason: string): void {
  if (reason.trim().length < 20)
    throw new Error(`cdk-nag acknowledgement of ${ruleId} needs a real reason, got "${reason}"`);
  Validations.of(scope).acknowledge({ id: ruleId, reason });
}

/**
 * The id of cdk-nag's IAM5 finding for a wildcard resource, as cdk-nag flattens it
 * (`Fn::GetAtt` → `<Id.Arn>`, `Ref` → `<Id>`, `Fn::Join` joined), so acknowledgements survive
 * logical-id and environment changes.
 *
 * @example iamWildcardResource(role, `${table.tableArn}/index/*`) // 'AwsSolutions-IAM5[Resource::<TableCD117FA1.Arn>/index/*]'
 */
export function iamWildcardResource(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource))}]`;
}

function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const fn = node as Record<string, unknown>;
    if (Array.isArray(fn['Fn::Join'])) {
      const [delimiter, items] = fn['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (fn['Fn::Sub'] !== undefined) return flatten(fn['Fn::Sub']);
    if (Array.isArray(fn['Fn::GetAtt'])) {
      const [resource, attribute] = fn['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if (fn['Fn::ImportValue'] !== undefined) return flatten(fn['Fn::ImportValue']);
    if (fn.Ref !== undefined) return `<${flatten(fn.Ref)}>`;
  }
  return JSON.stringify(node);
}
