import { CfnOutput, Stack } from 'aws-cdk-lib';
import {
  CnameRecord,
  type IPublicHostedZone,
  MxRecord,
  PublicHostedZone,
  TxtRecord,
} from 'aws-cdk-lib/aws-route53';
import {
  ConfigurationSet,
  ConfigurationSetEventDestination,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { StageConfig } from '../stage-config';
import type { EmailSender } from './news-function';

export interface EmailSendingProps {
  email: StageConfig['email'];
  hostedZone?: StageConfig['hostedZone'];
}

/**
 * SES for the product: the domain identity (Easy DKIM, custom MAIL FROM for SPF alignment), a
 * configuration set with reputation metrics, and the SNS topic its bounce and complaint events go
 * to (the ses-events Lambda subscribes). With a hosted zone the DNS records are created;
 * without one they are printed as stack outputs for whoever runs the DNS.
 */
export class EmailSending extends Construct implements EmailSender {
  readonly sender: string;
  readonly senderAddress: string;
  readonly configurationSet: ConfigurationSet;
  readonly configurationSetName: string;
  readonly configurationSetArn: string;
  readonly identityArns: string[];
  readonly recipientIdentityArns: string[];
  /** Bounce and complaint (and, if enabled, delivery) events from SES. */
  readonly eventsTopic: Topic;

  constructor(scope: Construct, id: string, props: EmailSendingProps) {
    super(scope, id);
    const { email } = props;
    const stack = Stack.of(this);
    this.senderAddress = email.senderAddress;
    this.sender = `${email.senderName} <${email.senderAddress}>`;

    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      // SES itself stops sending to addresses that bounced or complained, on top of our own
      // suppression in the ses-events Lambda.
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSetName = this.configurationSet.configurationSetName;
    this.configurationSetArn = stack.formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSetName,
    });

    this.eventsTopic = new Topic(this, 'EventsTopic', { enforceSSL: true });
    new ConfigurationSetEventDestination(this, 'EventsToTopic', {
      configurationSet: this.configurationSet,
      destination: EventDestination.snsTopic(this.eventsTopic),
      events: [
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        ...(email.publishDeliveryEvents ? [EmailSendingEvent.DELIVERY] : []),
      ],
    });

    const identityArn = (name: string) =>
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    this.identityArns = [identityArn(email.domain), identityArn(email.senderAddress)];
    // In the sandbox SES authorises the send against each recipient's (verified) identity too.
    this.recipientIdentityArns = email.sandbox ? [identityArn('*')] : [];

    if (email.manageIdentity) {
      const mailFromDomain = `${email.mailFromSubdomain}.${email.domain}`;
      const identity = new EmailIdentity(this, 'Identity', {
        identity: Identity.domain(email.domain),
        // Emails sent without naming a set still publish their bounces and complaints.
        configurationSet: this.configurationSet,
        mailFromDomain,
      });
      const records = [
        ...identity.dkimRecords.map((record, index) => ({
          id: `Dkim${index + 1}`,
          description: `SES Easy DKIM, record ${index + 1} of 3`,
          text: `${record.name} CNAME ${record.value}`,
          create: (zone: IPublicHostedZone, id: string) =>
            new CnameRecord(this, id, { zone, recordName: record.name, domainName: record.value }),
        })),
        {
          id: 'MailFromMx',
          description: 'SES custom MAIL FROM (bounces come back here)',
          text: `${mailFromDomain} MX 10 feedback-smtp.${stack.region}.amazonses.com`,
          create: (zone: IPublicHostedZone, id: string) =>
            new MxRecord(this, id, {
              zone,
              recordName: `${mailFromDomain}.`,
              values: [{ priority: 10, hostName: `feedback-smtp.${stack.region}.amazonses.com` }],
            }),
        },
        {
          id: 'MailFromSpf',
          description: 'SPF for the MAIL FROM domain, so SPF aligns for DMARC',
          text: `${mailFromDomain} TXT "v=spf1 include:amazonses.com ~all"`,
          create: (zone: IPublicHostedZone, id: string) =>
            new TxtRecord(this, id, {
              zone,
              recordName: `${mailFromDomain}.`,
              values: ['v=spf1 include:amazonses.com ~all'],
            }),
        },
      ];
      const zoneConfig = props.hostedZone;
      if (zoneConfig) {
        // stage-config checks that the zone contains email.domain.
        const zone = PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', zoneConfig);
        for (const record of records) record.create(zone, `${record.id}Record`);
      } else {
        for (const record of records)
          new CfnOutput(this, `${record.id}Output`, {
            description: `DNS record to create: ${record.description}`,
            value: record.text,
          });
      }
    }
  }
}
