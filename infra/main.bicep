// One deployment of the Backup Jobs bot (azd up): the bot's identity, the Azure Bot with its Teams
// channel, the host (Container Apps by default, App Service as an option), read access to each
// vault, Application Insights, and optionally Redis and Key Vault. azd fills the parameters from
// main.parameters.json (environment variables); `azd env set <NAME> <value>` changes one.
//
// Every app setting the bot reads is set here, in `appSettings` and `secretSettings` below, and
// nowhere else; test/unit/deploy/infra.test.ts checks them against src/config and the README.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('azd environment name: names the resource group and prefixes the resources.')
param environmentName string

@minLength(1)
@description('Region of every resource but the Azure Bot (global).')
param location string

@description('Where the bot runs: Container Apps (default) or App Service (Linux, container).')
@allowed([
  'containerapp'
  'appservice'
])
param hostKind string = 'containerapp'

@minLength(3)
@description('The vaults to watch: a comma list of "resourceGroup/vaultName", all in this subscription. Backup Reader is granted on each.')
param backupVaults string

@description('Also grant Backup Operator on each vault (only for job cancellation).')
param enableActions bool = false

@description('Comma list of the Entra tenant ids whose users may use the bot; default this tenant only.')
param allowedTenantIds string = ''

@description('Azure Cache for Redis as the state store (several replicas). Off: one replica with SQLite on /data.')
param enableRedis bool = false

@minValue(2)
@maxValue(30)
@description('Replicas (instances) when Redis is on. Without Redis there is exactly one.')
param replicasWithRedis int = 2

@description('Keep secrets (the Redis URL) in Key Vault and let the host read them by reference.')
param useKeyVault bool = false

@description('Base poll interval in seconds (POLL_INTERVAL_SECONDS).')
param pollIntervalSeconds int = 30

@description('Log level (LOG_LEVEL).')
@allowed([
  'fatal'
  'error'
  'warn'
  'info'
  'debug'
])
param logLevel string = 'info'

@description('Image azd built and pushed (set by azd deploy); empty on the first provision.')
param botImageName string = ''

@description('Azure Bot pricing tier: F0 (free, standard channels such as Teams are free) or S1.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))
var prefix = 'bj${take(replace(toLower(environmentName), '-', ''), 10)}${take(token, 6)}'
var tenants = empty(trim(allowedTenantIds)) ? tenant().tenantId : allowedTenantIds
var vaultList = map(split(backupVaults, ','), v => trim(v))

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: { name: '${prefix}-id', location: location, tags: tags }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: { prefix: prefix, location: location, tags: tags }
}

module redis 'modules/redis.bicep' = if (enableRedis) {
  name: 'redis'
  scope: rg
  params: { name: '${prefix}-redis', location: location, tags: tags }
}

module keyVault 'modules/keyvault.bicep' = if (useKeyVault && enableRedis) {
  name: 'keyvault'
  scope: rg
  params: {
    name: '${take(prefix, 20)}kv'
    location: location
    tags: tags
    readerPrincipalId: identity.outputs.principalId
    redisName: enableRedis ? redis.outputs.name : ''
  }
}

// Backup Reader on every vault; Backup Operator as well only with enableActions. One module per
// vault, scoped to the vault's resource group.
module vaultRoles 'modules/vault-roles.bicep' = [
  for vault in vaultList: {
    name: 'vault-roles-${uniqueString(vault)}'
    scope: resourceGroup(split(vault, '/')[0])
    params: {
      vaultName: split(vault, '/')[1]
      principalId: identity.outputs.principalId
      enableActions: enableActions
    }
  }
]

// The bot's configuration (src/config/config.ts reads each key; README "Configuration").
// MicrosoftAppType=UserAssignedMSI: the Bot Framework identity is the managed identity, no secret.
// AZURE_CLIENT_ID picks that same identity for ARM (DefaultAzureCredential, @azure/identity).
var appSettings = [
  { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
  { name: 'MicrosoftAppId', value: identity.outputs.clientId }
  { name: 'MicrosoftAppTenantId', value: tenant().tenantId }
  { name: 'ALLOWED_TENANT_IDS', value: tenants }
  { name: 'AZURE_CLIENT_ID', value: identity.outputs.clientId }
  { name: 'AZURE_SUBSCRIPTION_ID', value: subscription().subscriptionId }
  { name: 'BACKUP_VAULTS', value: join(vaultList, ',') }
  { name: 'ARM_AUTH', value: 'default' }
  { name: 'HOST', value: '0.0.0.0' }
  { name: 'PORT', value: '3978' }
  { name: 'POLL_INTERVAL_SECONDS', value: string(pollIntervalSeconds) }
  { name: 'LOG_LEVEL', value: logLevel }
  { name: 'STOP_TIMEOUT_SECONDS', value: '20' }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: monitoring.outputs.appInsightsConnectionString }
]

// Settings that hold a secret: a host secret (or a Key Vault reference), never a plain value.
// Without Redis the state is SQLite on the host's persistent storage (see the host modules).
var secretSettings = enableRedis
  ? [{ name: 'STATE_STORE', secretName: 'state-store', keyVaultSecretName: 'state-store' }]
  : []

module containerApp 'modules/containerapp.bicep' = if (hostKind == 'containerapp') {
  name: 'containerapp'
  scope: rg
  params: {
    prefix: prefix
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityPrincipalId: identity.outputs.principalId
    logAnalyticsWorkspaceName: monitoring.outputs.logAnalyticsName
    appSettings: appSettings
    secretSettings: secretSettings
    redisName: enableRedis ? redis.outputs.name : ''
    keyVaultUri: (useKeyVault && enableRedis) ? keyVault.outputs.uri : ''
    replicas: enableRedis ? replicasWithRedis : 1
    imageName: botImageName
  }
}

module appService 'modules/appservice.bicep' = if (hostKind == 'appservice') {
  name: 'appservice'
  scope: rg
  params: {
    prefix: prefix
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityPrincipalId: identity.outputs.principalId
    identityClientId: identity.outputs.clientId
    appSettings: appSettings
    secretSettings: secretSettings
    redisName: enableRedis ? redis.outputs.name : ''
    keyVaultUri: (useKeyVault && enableRedis) ? keyVault.outputs.uri : ''
    replicas: enableRedis ? replicasWithRedis : 1
    imageName: botImageName
  }
}

var botHost = hostKind == 'containerapp' ? containerApp.outputs.fqdn : appService.outputs.fqdn

module bot 'modules/bot.bicep' = {
  name: 'bot'
  scope: rg
  params: {
    name: '${prefix}-bot'
    tags: tags
    sku: botSku
    endpoint: 'https://${botHost}/api/messages'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    tenantId: tenant().tenantId
    appInsightsKey: monitoring.outputs.appInsightsInstrumentationKey
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
// azd pushes the image here (services.bot.docker in azure.yaml).
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = hostKind == 'containerapp' ? containerApp.outputs.registryLoginServer : appService.outputs.registryLoginServer
output BOT_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output BOT_MESSAGING_ENDPOINT string = 'https://${botHost}/api/messages'
output BOT_DOMAIN string = botHost
// The Teams app package for this deployment's ids: run it in the repository, then upload build/appPackage.zip.
output TEAMS_PACKAGE_COMMAND string = 'MicrosoftAppId=${identity.outputs.clientId} BOT_DOMAIN=${botHost} npm run package'
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.appInsightsName
