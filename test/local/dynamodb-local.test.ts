import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { assertJava17, DynamoDbLocalError } from '../../lambdas/local/dynamodb-local';
import { localDynamoClient } from '../helpers/dynamodb';

describe('DynamoDB Local harness', () => {
  it('answers real DynamoDB API calls', async () => {
    // Act
    const result = await localDynamoClient().send(new ListTablesCommand({}));

    // Assess
    expect(Array.isArray(result.TableNames)).toBe(true);
  });

  it('says clearly that Java 17+ is needed when java is missing', () => {
    // Act + Assess
    expect(() => assertJava17('/nonexistent/java')).toThrowError(DynamoDbLocalError);
    expect(() => assertJava17('/nonexistent/java')).toThrowError(/Java 17\+/);
  });
});
