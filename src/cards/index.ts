/** Everything user-facing: the message catalog, card builders and formatting. */
export {
  t,
  intlLocale,
  languageOf,
  argumentNames,
  canonicalTag,
  matchLanguage,
  Catalog,
  defaultCatalog,
  SOURCE_LANGUAGE,
  type MessageId,
  type MessageParams,
  type Messages,
} from './i18n';
export {
  formatDuration,
  formatRelative,
  formatPercent,
  formatAbsolute,
  formatNumber,
  formatSize,
  localizeSizeText,
  isValidTimeZone,
  parseTime,
  truncate,
  type AbsoluteTime,
} from './format';
export { ADAPTIVE_CARD_CONTENT_TYPE, CARD_BYTE_BUDGET, CardTemplateError, cardBytes, cardDigest, type AdaptiveCardJson } from './render';
export { jobKeyString, vaultRefString, statusColor, statusLabel, jobStatusLabel, type CardColor } from './job-view';
export { buildJobCard, finalSummary, type CardContext, type JobCardActionData } from './job-card';
export { buildJobsListCard, buildTrackingListCard, type JobsFilter, type ListCardContext, type JobsListCardContext } from './list-cards';
export { buildHelpCard, buildWelcomeCard, type HelpCardOptions } from './static-cards';
export { noticeText, armErrorText, DEFAULT_REQUIRED_ROLE, type NoticeParams, type ArmErrorParams } from './messages';
export { parseCardAction } from './card-actions';
export { expandTemplate, VOLATILE_ID_PREFIX } from './render';
