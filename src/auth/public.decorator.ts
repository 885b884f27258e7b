import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'hatidata:isPublic';

/** Lets a route be called without a token. Every other route requires one. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
