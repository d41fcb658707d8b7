import type { ServiceTier } from '../records/call-record.ts';

/**
 * How the emulator serves each Bedrock service tier. ILLUSTRATIVE, after AWS's announcement of the
 * Priority and Flex tiers (https://aws.amazon.com/about-aws/whats-new/2025/11/amazon-bedrock-priority-flex-inference-service-tiers,
 * and the user guide's "Service tiers for optimizing performance and cost"):
 * - priority: "up to 25% better output tokens per second (OTPS) latency compared to standard tier":
 *   output speed x1.25; AWS gives no TTFT figure, so TTFT is left as it is;
 * - flex: "can tolerate longer latencies", "during periods of high demand, Flex requests receive lower
 *   priority": AWS gives no figure, so output speed x0.8, TTFT x1.5 and 2% of requests throttled here
 *   are this emulator's own illustrative choices;
 * - default (Standard) and reserved: the model's own profile.
 * Priority and flex are served only to models whose profile lists them (`serviceTiers`); any other
 * model serves such a request at the default tier and says so in the response.
 */
export interface TierEffect {
  ttftFactor: number;
  tokensPerSecondFactor: number;
  /** Chance that a request of this tier is throttled (ThrottlingException 429), on top of any fault. */
  throttleRate: number;
}

const PROFILE: TierEffect = { ttftFactor: 1, tokensPerSecondFactor: 1, throttleRate: 0 };

export const TIER_EFFECTS: Readonly<Record<ServiceTier, TierEffect>> = {
  default: PROFILE,
  reserved: PROFILE,
  priority: { ttftFactor: 1, tokensPerSecondFactor: 1.25, throttleRate: 0 },
  flex: { ttftFactor: 1.5, tokensPerSecondFactor: 0.8, throttleRate: 0.02 },
};

/** Tiers a model must offer (its profile's `serviceTiers`) to be served them. */
export type OptionalTier = 'priority' | 'flex';

/** The tier served: the one requested when the model offers it, else `default`. */
export function servedTier(requested: ServiceTier, offered: readonly OptionalTier[]): ServiceTier {
  if (requested === 'priority' || requested === 'flex')
    return offered.includes(requested) ? requested : 'default';
  return requested;
}
