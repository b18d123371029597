/**
 * The seed's two examples. Every function wrapped in apiFunction(...) is an endpoint:
 * POST /template/sync_hello and POST /template/async_hello.
 */
import { apiFunction } from 'api-deploy';

/**
 * Example function: a greeting (synchronous).
 * @param name - the name to greet, "World" by default
 */
export const sync_hello = apiFunction((name: string = 'World') => {
  return {
    message: `Hello, ${name}!`,
    timestamp: Date.now(), // milliseconds
    type: 'synchronous',
  };
});

/**
 * Example asynchronous function: a greeting after a delay.
 * @param name - the name to greet, "World" by default
 * @param delay - how long to wait first, in seconds (0.5 by default)
 */
export const async_hello = apiFunction(async (name: string = 'World', delay: number = 0.5) => {
  // Stands in for real asynchronous work: a database query, a call to another API...
  await new Promise((resolve) => setTimeout(resolve, delay * 1000));
  return {
    message: `Hello, ${name}! (异步处理完成)`,
    timestamp: Date.now(),
    type: 'asynchronous',
  };
});
