import { App } from 'aws-cdk-lib';
import { applyCompliancePacks } from '../lib/compliance';
import { addConfideStacks } from '../lib/confide-app';
import { stageConfig } from '../lib/stage-config';

const app = new App();
const config = stageConfig(app.node.tryGetContext('stage'));
addConfideStacks(app, config, process.env.CDK_DEFAULT_ACCOUNT);
applyCompliancePacks(app);
