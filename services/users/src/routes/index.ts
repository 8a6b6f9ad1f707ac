// Every route the users service deploys, in the order the OpenAPI document lists them (scripts/openapi): the
// platform's routes (src/platform: aggregate health, the document and its docs page) and the users' own.
// Handlers import their own route module, never this list.
import type { RouteSpec } from '@photonotes/shared/http-route';
import { docsAssetRoute } from '../platform/routes/docs-asset';
import { docsPageRoute } from '../platform/routes/docs-page';
import { openApiDocumentRoute } from '../platform/routes/openapi-document';
import { systemHealthRoute } from '../platform/routes/system-health';
import { confirmSignUpRoute } from './confirm-sign-up';
import { deleteAccountRoute } from './delete-account';
import { devMailOutboxRoute } from './dev-mail-outbox';
import { findUserByEmailRoute } from './find-user-by-email';
import { forgotPasswordRoute } from './forgot-password';
import { getOwnProfileRoute } from './get-own-profile';
import { getUserProfileRoute } from './get-user-profile';
import { healthRoute } from './health';
import { logInRoute } from './log-in';
import { logOutRoute } from './log-out';
import { refreshSessionRoute } from './refresh-session';
import { resetPasswordRoute } from './reset-password';
import { signUpRoute } from './sign-up';
import { updateOwnProfileRoute } from './update-own-profile';

export const routes: RouteSpec[] = [
  systemHealthRoute,
  healthRoute,
  openApiDocumentRoute,
  docsPageRoute,
  docsAssetRoute,
  signUpRoute,
  confirmSignUpRoute,
  logInRoute,
  refreshSessionRoute,
  logOutRoute,
  forgotPasswordRoute,
  resetPasswordRoute,
  getOwnProfileRoute,
  updateOwnProfileRoute,
  deleteAccountRoute,
  getUserProfileRoute,
  findUserByEmailRoute,
  devMailOutboxRoute,
];
