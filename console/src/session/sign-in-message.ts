import { ThrottledError, UnauthorizedError, type ApiError } from '../api/api-errors.js';

/** What the sign-in form says when the token was not accepted: a wrong token and the throttling of wrong tokens are told apart. */
export function signInMessage(error: ApiError): string {
  if (error instanceof ThrottledError) {
    const wait = error.retryAfterSeconds ? ` Try again in ${error.retryAfterSeconds} s.` : ' Wait a minute and try again.';
    return `Too many wrong tokens from this address: the service is refusing sign-ins for now.${wait}`;
  }
  if (error instanceof UnauthorizedError) return 'That admin token is not the right one. Check it and try again.';
  return error.message;
}
