// Host (option): App Service on Linux running the same image (Web App for Containers), pulled from
// the registry with the bot's identity. App Service has one health check path; it is /readyz, so an
// instance whose store or Redis is down is taken out of the load balancer. Without Redis: one
// instance, SQLite under /home (App Service's persistent storage).
param prefix string
param location string
param tags object
param identityId string
param identityPrincipalId string
param identityClientId string
@description('Plain settings: [{ name, value }].')
param appSettings array
@description('Settings that hold a secret: [{ name, secretName, keyVaultSecretName }].')
param secretSettings array
param redisName string
param keyVaultUri string
param replicas int
param imageName string

var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
var useRedis = !empty(redisName)

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: replace('${prefix}acr', '-', '')
  location: location
  tags: tags
  sku: { name: 'Basic' }
  properties: { adminUserEnabled: false }
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identityPrincipalId, acrPullRoleId)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${prefix}-plan'
  location: location
  tags: tags
  kind: 'linux'
  sku: { name: 'P0v3', capacity: replicas }
  properties: { reserved: true }
}

resource redis 'Microsoft.Cache/redis@2024-03-01' existing = if (useRedis) {
  name: redisName
}

var redisUrl = useRedis ? 'rediss://:${uriComponent(redis.listKeys().primaryKey)}@${redis.properties.hostName}:${redis.properties.sslPort}/0' : ''
// A Key Vault reference when a vault is given (resolved with keyVaultReferenceIdentity), else the value.
var secretEnv = [
  for s in secretSettings: {
    name: s.name
    value: empty(keyVaultUri) ? redisUrl : '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${s.keyVaultSecretName})'
  }
]
var hostEnv = [
  // The container listens on 3978 (PORT); /home is mounted for the SQLite file.
  { name: 'WEBSITES_PORT', value: '3978' }
  { name: 'WEBSITES_ENABLE_APP_SERVICE_STORAGE', value: 'true' }
]
var sqliteEnv = useRedis ? [] : [{ name: 'STATE_STORE', value: 'sqlite:/home/data/state.db' }]

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: '${prefix}-bot'
  location: location
  tags: union(tags, { 'azd-service-name': 'bot' })
  kind: 'app,linux,container'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  dependsOn: [acrPull]
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      linuxFxVersion: empty(imageName) ? 'DOCKER|mcr.microsoft.com/appsvc/staticsite:latest' : 'DOCKER|${imageName}'
      acrUseManagedIdentityCreds: true
      acrUserManagedIdentityID: identityClientId
      alwaysOn: true
      healthCheckPath: '/readyz'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat(appSettings, secretEnv, hostEnv, sqliteEnv)
    }
  }
}

output fqdn string = site.properties.defaultHostName
output registryLoginServer string = registry.properties.loginServer
