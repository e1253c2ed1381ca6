/**
 * The Teams app package's `localizationInfo` and one file per catalog language, built from the
 * message catalog (src/cards/i18n): the app's name and descriptions, and the title and description
 * of every command in every scope. A new `<tag>.json` in the catalog adds its file here too.
 */
import { defaultCatalog, SOURCE_LANGUAGE, t } from '../../src/cards/i18n';
import { manifestCommandLists } from '../../src/commands/registry';

export interface LocalizationPackage {
  /** `localizationInfo` of manifest.json. */
  readonly info: {
    readonly defaultLanguageTag: string;
    readonly defaultLanguageFile: string;
    readonly additionalLanguages: ReadonlyArray<{ readonly languageTag: string; readonly file: string }>;
  };
  /** File name in the package → its JSON. */
  readonly files: Readonly<Record<string, Record<string, string>>>;
}

/** The app's name and descriptions in a language, as manifest.json and the localization files name them. */
export function appTexts(language: string): Record<'name.short' | 'name.full' | 'description.short' | 'description.full', string> {
  return {
    'name.short': t(language, 'manifest.name.short'),
    'name.full': t(language, 'manifest.name.full'),
    'description.short': t(language, 'manifest.description.short'),
    'description.full': t(language, 'manifest.description.full'),
  };
}

function localizationFile(language: string, manifestVersion: string): Record<string, string> {
  const file: Record<string, string> = {
    $schema: `https://developer.microsoft.com/json-schemas/teams/v${manifestVersion}/MicrosoftTeams.Localization.schema.json`,
    ...appTexts(language),
  };
  manifestCommandLists(language).forEach((list, i) =>
    list.commands.forEach((command, j) => {
      file[`bots[0].commandLists[${i}].commands[${j}].title`] = command.title;
      file[`bots[0].commandLists[${i}].commands[${j}].description`] = command.description;
    }),
  );
  return file;
}

export function manifestLocalization(manifestVersion: string): LocalizationPackage {
  const languages = defaultCatalog.locales();
  const files: Record<string, Record<string, string>> = {};
  for (const language of languages) files[`${language}.json`] = localizationFile(language, manifestVersion);
  return {
    info: {
      defaultLanguageTag: SOURCE_LANGUAGE,
      defaultLanguageFile: `${SOURCE_LANGUAGE}.json`,
      additionalLanguages: languages
        .filter((l) => l !== SOURCE_LANGUAGE)
        .map((languageTag) => ({ languageTag, file: `${languageTag}.json` })),
    },
    files,
  };
}
