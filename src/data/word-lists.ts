/**
 * Vocabulary of the synthetic dataset generator. Every entry is one word (hyphens allowed), so a
 * sentence's word count is the number of entries it uses. Verbs are past tense: no agreement needed.
 */

export interface Domain {
  /** How the reference summary names the subject. */
  title: string;
  /** Sentence subjects, after "the". */
  agents: readonly string[];
  /** Direct objects, used without an article (plural or mass nouns). */
  objects: readonly string[];
  /** Nouns for prepositional phrases, after "the". */
  places: readonly string[];
}

export const DOMAINS: readonly Domain[] = [
  {
    title: 'the expansion of a regional harbor',
    agents: ['port', 'authority', 'dockworkers', 'engineers', 'council', 'operators', 'surveyors', 'pilots'],
    objects: ['berths', 'cranes', 'dredging', 'permits', 'tariffs', 'shipments', 'inspections', 'repairs'],
    places: ['harbor', 'quay', 'terminal', 'breakwater', 'channel', 'warehouse', 'shipyard'],
  },
  {
    title: 'the migration of a billing platform',
    agents: ['team', 'engineers', 'database', 'scheduler', 'reviewers', 'vendor', 'gateway', 'on-call'],
    objects: ['invoices', 'payments', 'refunds', 'migrations', 'alerts', 'retries', 'backups', 'queries'],
    places: ['cluster', 'pipeline', 'datacenter', 'rollout', 'dashboard', 'ledger', 'cutover'],
  },
  {
    title: 'the renovation of a public library',
    agents: [
      'librarians',
      'board',
      'architect',
      'volunteers',
      'contractor',
      'trustees',
      'patrons',
      'director',
    ],
    objects: [
      'shelving',
      'archives',
      'donations',
      'programs',
      'lighting',
      'furniture',
      'catalogs',
      'repairs',
    ],
    places: ['reading-room', 'basement', 'annex', 'lobby', 'stacks', 'courtyard', 'branch'],
  },
  {
    title: 'the harvest season at a farming cooperative',
    agents: ['growers', 'cooperative', 'agronomist', 'buyers', 'members', 'inspectors', 'drivers', 'mill'],
    objects: ['grain', 'orchards', 'irrigation', 'contracts', 'seedlings', 'fertilizer', 'yields', 'storage'],
    places: ['valley', 'silo', 'market', 'field', 'granary', 'packing-house', 'county'],
  },
  {
    title: 'service changes at a city transit agency',
    agents: ['agency', 'drivers', 'planners', 'riders', 'mechanics', 'dispatchers', 'mayor', 'union'],
    objects: ['timetables', 'fares', 'routes', 'buses', 'detours', 'shelters', 'ridership', 'signals'],
    places: ['depot', 'corridor', 'station', 'downtown', 'suburbs', 'interchange', 'network'],
  },
  {
    title: 'a research study on coastal wetlands',
    agents: [
      'researchers',
      'laboratory',
      'students',
      'reviewers',
      'funders',
      'model',
      'survey',
      'biologists',
    ],
    objects: [
      'samples',
      'measurements',
      'sediment',
      'estimates',
      'findings',
      'datasets',
      'transects',
      'methods',
    ],
    places: ['marsh', 'estuary', 'shoreline', 'field-station', 'tide', 'lagoon', 'delta'],
  },
  {
    title: 'the opening of a history museum exhibition',
    agents: [
      'curators',
      'museum',
      'conservators',
      'visitors',
      'sponsors',
      'guides',
      'historians',
      'designers',
    ],
    objects: ['artifacts', 'loans', 'labels', 'tickets', 'displays', 'photographs', 'tours', 'catalogues'],
    places: ['gallery', 'atrium', 'vault', 'exhibition', 'wing', 'workshop', 'entrance'],
  },
  {
    title: 'staffing and care at a community hospital',
    agents: [
      'nurses',
      'hospital',
      'surgeons',
      'administrators',
      'pharmacy',
      'clinicians',
      'patients',
      'committee',
    ],
    objects: [
      'admissions',
      'schedules',
      'referrals',
      'supplies',
      'discharges',
      'vaccines',
      'audits',
      'shifts',
    ],
    places: ['ward', 'clinic', 'emergency-room', 'night-shift', 'region', 'outpatient-wing', 'triage'],
  },
];

export const VERBS = [
  'approved',
  'reviewed',
  'delayed',
  'expanded',
  'reduced',
  'tracked',
  'funded',
  'inspected',
  'scheduled',
  'postponed',
  'measured',
  'documented',
  'replaced',
  'prioritized',
  'questioned',
  'completed',
  'rejected',
  'simplified',
  'announced',
  'monitored',
  'consolidated',
  'restored',
  'audited',
  'requested',
] as const;

export const ADJECTIVES = [
  'additional',
  'overdue',
  'seasonal',
  'routine',
  'urgent',
  'temporary',
  'revised',
  'costly',
  'smaller',
  'regional',
  'annual',
  'critical',
  'unexpected',
  'several',
  'outstanding',
  'preliminary',
] as const;

export const ADVERBS = [
  'quickly',
  'cautiously',
  'again',
  'quietly',
  'twice',
  'early',
  'eventually',
  'reluctantly',
  'carefully',
  'promptly',
  'publicly',
  'gradually',
] as const;

export const OPENERS = [
  'Meanwhile,',
  'However,',
  'Later,',
  'Afterwards,',
  'Separately,',
  'Initially,',
  'Still,',
  'Finally,',
  'Overall,',
  'Instead,',
] as const;

export const PREPOSITIONS = [
  'across',
  'near',
  'inside',
  'beyond',
  'around',
  'behind',
  'throughout',
  'outside',
  'toward',
  'along',
] as const;

export const CONJUNCTIONS = ['and', 'but', 'while', 'so', 'because', 'although', 'after', 'before'] as const;

export const GENRES = ['report', 'memo', 'briefing', 'update', 'review', 'summary', 'bulletin'] as const;
