/**
 * The `ConfigurableModuleBuilder` definition behind `ThreadsAuthModule`: `forRoot(input)`,
 * `forRootAsync({ imports, useFactory, inject })` and the `isGlobal` extra (default `true`).
 *
 * @module
 */
import { type ConfigurableModuleAsyncOptions, ConfigurableModuleBuilder } from '@nestjs/common';
import type { ThreadsAuthInput } from '@threads-auth/core';

/** Options of `ThreadsAuthModule.forRoot/forRootAsync` that shape the Nest module itself. */
export interface ThreadsAuthModuleExtras {
  /**
   * Register the module globally, so `ThreadsAuthService` and `ThreadsAuthGuard` work in every module
   * without importing it again. Default `true`.
   */
  readonly isGlobal?: boolean;
}

const definition = new ConfigurableModuleBuilder<ThreadsAuthInput>({ moduleName: 'ThreadsAuth' })
  .setClassMethodName('forRoot')
  .setExtras<ThreadsAuthModuleExtras>({ isGlobal: true }, (module, extras) => ({ ...module, global: extras.isGlobal ?? true }))
  .build();

/** The base class `ThreadsAuthModule` extends; it provides `forRoot` and `forRootAsync`. */
export const ConfigurableModuleClass = definition.ConfigurableModuleClass;

/**
 * The injection token of what `forRoot(input)` was given or `forRootAsync`'s factory resolved: core
 * `ThreadsAuthOptions` or a `createThreadsAuth` instance. Inject `ThreadsAuthService` instead, which is the
 * validated instance.
 */
export const THREADS_AUTH_MODULE_OPTIONS: string | symbol = definition.MODULE_OPTIONS_TOKEN;

/** What `ThreadsAuthModule.forRoot` takes: core `ThreadsAuthOptions` or an instance, plus `isGlobal`. */
export type ThreadsAuthModuleOptions = ThreadsAuthInput & ThreadsAuthModuleExtras;

/**
 * What `ThreadsAuthModule.forRootAsync` takes: `imports`, `inject` and a `useFactory` resolving
 * `ThreadsAuthOptions` or an instance, or a `useClass`/`useExisting` {@link ThreadsAuthOptionsFactory};
 * plus `isGlobal`.
 */
export type ThreadsAuthModuleAsyncOptions = ConfigurableModuleAsyncOptions<ThreadsAuthInput, 'create'> & ThreadsAuthModuleExtras;

/** A class for `forRootAsync({ useClass })`: Nest instantiates it (with its injections) and calls `create()`. */
export interface ThreadsAuthOptionsFactory {
  /** Resolves `ThreadsAuthOptions`, or an instance from `createThreadsAuth`. */
  create(): ThreadsAuthInput | Promise<ThreadsAuthInput>;
}
