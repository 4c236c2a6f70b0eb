/*
 * `create-hybrid-serverless/testing`: for a generated repo's tests and `npx projen dev`: real Lambda
 * event payloads of each topology, and a local stand-in for the load balancer's sign-in. Generated
 * repos import it through their managed `test/hybrid/events.ts` and `src/hybrid/dev/sign-in.ts`.
 * Never in a Lambda bundle; not part of the project type's jsii API (src/index.ts).
 */
export { albEvent, albSingleValueEvent, apigwEvent, lambdaContext, type EventOptions } from './events';
export { LocalSignIn, type Claims, type LocalSignInOptions, type TokenOptions } from './sign-in';
export { LocalMachineIssuer, type LocalMachineClaim, type LocalMachineIssuerOptions, type MachineTokenOptions } from './machine';
