import { type DynamicModule, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { JWT_VERIFICATION_OPTIONS, type JwtVerificationOptions } from './jwt-options.js';
import { JwtStrategy } from './jwt.strategy.js';

/** Bearer-token authentication. The host decides where `JwtAuthGuard` applies. */
@Module({})
export class AuthModule {
  static forRoot(options: JwtVerificationOptions): DynamicModule {
    return {
      module: AuthModule,
      imports: [PassportModule],
      providers: [
        { provide: JWT_VERIFICATION_OPTIONS, useValue: options },
        JwtStrategy,
        JwtAuthGuard,
      ],
      exports: [JwtAuthGuard],
    };
  }
}
