/**
 * Runs a card through the real Adaptive Cards object model, as a Teams client would parse it.
 * The package's `main` is broken ESM in Node, hence the dist path.
 */
import { AdaptiveCard, SerializationContext, Versions, type Version } from 'adaptivecards/dist/adaptivecards.js';
import type { AdaptiveCardJson } from '../../../src/cards';

export interface CardCheck {
  /** Parse events (unknown elements, properties newer than the target version, bad values). */
  readonly parseEvents: string[];
  /** validateProperties() failures (missing required properties, duplicate ids, …). */
  readonly validationEvents: string[];
  /** The card as a client of the target version re-serialises it (what it keeps). */
  readonly asSeen: string;
}

export function checkCard(json: AdaptiveCardJson, version?: Version): CardCheck {
  const card = new AdaptiveCard();
  const context = version ? new SerializationContext(version) : new SerializationContext();
  card.parse(json, context);
  const parseEvents: string[] = [];
  for (let i = 0; i < context.eventCount; i++) parseEvents.push(context.getEventAt(i).message);
  const validationEvents = card.validateProperties().validationEvents.map((e) => e.message);
  const asSeen = JSON.stringify(card.toJSON(new SerializationContext(version ?? Versions.v1_5)));
  return { parseEvents, validationEvents, asSeen };
}

export { Versions };
