import { beforeEach, describe, expect, it, vi } from 'vitest';
import { app, FakeEvent, resetElectron } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electron);

const { claimSingleInstance, gracefulQuit } = await import('../../src/main/lifecycle.js');

const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

/** Quit steps that record their order; each waits until released, if asked to. */
function steps(options: { stay?: boolean; stopFails?: boolean } = {}) {
  const order: string[] = [];
  let releaseStop!: () => void;
  const stopped = new Promise<void>((resolve) => (releaseStop = resolve));
  return {
    order,
    releaseStop,
    steps: {
      closeWindow: vi.fn(async () => {
        order.push('close window');
        return !options.stay;
      }),
      flush: vi.fn(async () => void order.push('flush window state')),
      stopRuntime: vi.fn(async () => {
        order.push('stop runtime: begin');
        await stopped;
        order.push('stop runtime: end');
        if (options.stopFails) throw new Error('a worker would not end');
      }),
    },
  };
}

const quitEvent = () => {
  const event = new FakeEvent();
  app.emit('before-quit', event);
  return event;
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  resetElectron();
  vi.clearAllMocks();
});

describe('quitting', () => {
  it('holds the quit, closes the window, writes its state, stops the runtime, then exits 0', async () => {
    const { order, releaseStop, steps: quitSteps } = steps();
    gracefulQuit(app as never, quitSteps, log);
    const event = quitEvent();
    expect(event.defaultPrevented).toBe(true);
    await settle();
    expect(order).toEqual(['close window', 'flush window state', 'stop runtime: begin']);
    expect(app.exit).not.toHaveBeenCalled(); // not before the runtime has stopped
    releaseStop();
    await vi.waitFor(() => expect(app.exit).toHaveBeenCalledWith(0));
    expect(order).toEqual(['close window', 'flush window state', 'stop runtime: begin', 'stop runtime: end']);
  });

  it('a second quit while stopping is held too and starts no second stop', async () => {
    const { releaseStop, steps: quitSteps } = steps();
    const state = gracefulQuit(app as never, quitSteps, log);
    quitEvent();
    await settle();
    const again = quitEvent();
    app.quit(); // the menu's Quit, or the window closing, during the stop
    expect(again.defaultPrevented).toBe(true);
    expect(state.quitting).toBe(true);
    releaseStop();
    await vi.waitFor(() => expect(app.exit).toHaveBeenCalledOnce());
    expect(quitSteps.stopRuntime).toHaveBeenCalledOnce();
    expect(quitSteps.closeWindow).toHaveBeenCalledOnce();
    // After the exit, before-quit is let through.
    expect(quitEvent().defaultPrevented).toBe(false);
  });

  it('is called off when the user stays on unsaved changes; a later quit goes through', async () => {
    const first = steps({ stay: true });
    const state = gracefulQuit(app as never, first.steps, log);
    quitEvent();
    await vi.waitFor(() => expect(state.quitting).toBe(false));
    expect(first.steps.stopRuntime).not.toHaveBeenCalled();
    expect(app.exit).not.toHaveBeenCalled();

    first.steps.closeWindow.mockResolvedValue(true);
    quitEvent();
    first.releaseStop();
    await vi.waitFor(() => expect(app.exit).toHaveBeenCalledWith(0));
    expect(first.steps.stopRuntime).toHaveBeenCalledOnce();
  });

  it('exits 1, logged, when stopping fails', async () => {
    const { releaseStop, steps: quitSteps } = steps({ stopFails: true });
    gracefulQuit(app as never, quitSteps, log);
    quitEvent();
    releaseStop();
    await vi.waitFor(() => expect(app.exit).toHaveBeenCalledWith(1));
    expect(log.error).toHaveBeenCalledWith('error while stopping', expect.any(Error));
  });

  it('exits anyway when stopping takes too long', async () => {
    const { steps: quitSteps } = steps(); // never released
    gracefulQuit(app as never, quitSteps, log, 50);
    quitEvent();
    await vi.waitFor(() => expect(app.exit).toHaveBeenCalledWith(1));
    expect(log.error).toHaveBeenCalledWith(expect.stringContaining('exiting anyway'));
  });
});

describe('single instance', () => {
  it('takes the lock and shows the window when a second instance starts', () => {
    const focus = vi.fn();
    expect(claimSingleInstance(app as never, focus)).toBe(true);
    app.emit('second-instance', new FakeEvent(), [], '/');
    expect(focus).toHaveBeenCalledOnce();
  });

  it('says so when another instance holds the lock', () => {
    app.hasLock = false;
    const focus = vi.fn();
    expect(claimSingleInstance(app as never, focus)).toBe(false);
    expect(app.listenerCount('second-instance')).toBe(0);
  });
});
