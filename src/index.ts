export { HybridServerlessApp } from './project';
export { HybridServerlessAppOptions, HybridServerlessSettings, Topology } from './options';
export { HybridServerlessAppBaseOptions } from './base-options.generated';
