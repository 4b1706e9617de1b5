import { describe, expect, it } from 'vitest';
import { BehaviourStack, Uses, type Behaviour } from '../../hw-sim/behaviours/behaviour-stack.js';

interface Answering extends Behaviour {
  answer?(question: string): string | undefined;
}

const says = (name: string, reply: string, only?: string): Answering => ({ name, answer: (q) => (only === undefined || q === only ? reply : undefined) });

describe('BehaviourStack', () => {
  it('asks added behaviours before the defaults, the latest addition first and in the order given', () => {
    const stack = new BehaviourStack<Answering>([says('default', 'default')]);
    expect(stack.first((b) => b.answer?.('q'))).toBe('default');
    stack.add(says('a', 'a'));
    stack.add(says('b', 'b'), says('c', 'c'));
    expect(stack.all().map((b) => b.name)).toEqual(['b', 'c', 'a', 'default']);
    expect(stack.first((b) => b.answer?.('q'))).toBe('b');
  });

  it('passes a question on when a behaviour returns undefined', () => {
    const stack = new BehaviourStack<Answering>([says('default', 'default')]);
    stack.add(says('only x', 'x', 'x'));
    expect(stack.first((b) => b.answer?.('x'))).toBe('x');
    expect(stack.first((b) => b.answer?.('y'))).toBe('default');
  });

  it('removes exactly what one add put in, and clear leaves the defaults', () => {
    const stack = new BehaviourStack<Answering>([says('default', 'default')]);
    const removeA = stack.add(says('a', 'a'));
    stack.add(says('b', 'b'));
    removeA();
    removeA();
    expect(stack.active.map((b) => b.name)).toEqual(['b']);
    stack.clear();
    expect(stack.all().map((b) => b.name)).toEqual(['default']);
  });

  it('drops a behaviour once it is spent', () => {
    const stack = new BehaviourStack<Answering>();
    const uses = new Uses(2, 'test');
    stack.add({ name: 'twice', get spent() { return uses.spent; }, answer: () => (uses.take() ? 'yes' : undefined) });
    expect([stack.first((b) => b.answer?.('q')), stack.first((b) => b.answer?.('q')), stack.first((b) => b.answer?.('q'))]).toEqual(['yes', 'yes', undefined]);
    expect(stack.active).toEqual([]);
  });

  it('refuses a use count that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new Uses(bad, 'dropAcks')).toThrow(RangeError);
    expect(new Uses(Infinity, 'forever').take()).toBe(true);
  });
});
