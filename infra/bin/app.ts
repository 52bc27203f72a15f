import { App } from 'aws-cdk-lib';
import { applyCompliancePacks } from '../lib/compliance';
import { addConfideStacks } from '../lib/confide-app';
import { stageConfigFromContext } from '../lib/stage-config';

const app = new App();
const config = stageConfigFromContext(app.node);
addConfideStacks(app, config, process.env.CDK_DEFAULT_ACCOUNT);
applyCompliancePacks(app);
