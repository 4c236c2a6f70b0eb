export { HybridServerlessApp } from './project';
export {
  EnvironmentSettings, HybridServerlessAppOptions, HybridServerlessSettings, MachineAuthSettings, MachineClaim, OidcAuthSettings,
  SwitchedOffCheck, Topology,
} from './options';
export { HybridServerlessAppBaseOptions } from './base-options.generated';
