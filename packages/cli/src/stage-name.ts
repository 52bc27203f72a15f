/** A stage name as CDK names its resources (`confide-<stage>-…`). Here alone, so that checking one loads no SDK. */
export const STAGE_NAME = /^[a-z][a-z0-9-]{1,20}$/;
