/** The caller, as proven by a verified token. It names the user; it grants nothing by itself. */
export interface AuthenticatedUser {
  /** The token's `sub`. */
  userId: string;
  email: string | null;
  name: string | null;
  /** Authentication methods (`amr` claim), such as `mfa`. */
  authMethods: string[];
  /** The identity provider the user signed in with (`idp` claim). */
  identityProvider: string | null;
}
