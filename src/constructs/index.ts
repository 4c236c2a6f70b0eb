// `create-hybrid-serverless/constructs`: the managed infrastructure of a generated repo, as a construct library.
// The generated `src/hybrid/` binds it to the repo's settings (`config.ts`) and Lambda entry (`private-app.ts`) and
// re-exports it; a team may compose these constructs in its own stacks too.
export * from './acknowledge';
export * from './alb-lambda-api';
export * from './apigw-private-domain-api';
export * from './apigw-vpce-api';
export * from './config';
export * from './environments';
export * from './frontend';
export * from './internal-alb';
export * from './network';
export * from './pack-acknowledgements';
export * from './private-app';
export * from './private-endpoint';
export * from './private-rest-api';
