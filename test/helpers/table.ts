import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient, ensureTable } from '../../lambdas/adapters/dynamodb/table';
import { localDynamoClient, uniqueTableName } from './dynamodb';

/** A fresh table on the run's DynamoDB Local, for one test file. */
export async function freshTable(): Promise<{ db: DynamoDBDocumentClient; tableName: string }> {
  const client = localDynamoClient();
  const tableName = uniqueTableName();
  await ensureTable(client, tableName);
  return { db: documentClient(client), tableName };
}
