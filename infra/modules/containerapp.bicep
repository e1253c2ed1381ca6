// Host (default): Azure Container Apps. A registry for the image azd builds, an environment
// logging to Log Analytics, and the bot's app with its managed identity, /healthz as liveness and
// /readyz as readiness. Without Redis: exactly one replica, SQLite on an Azure Files share at /data.
param prefix string
param location string
param tags object
param identityId string
param identityPrincipalId string
param logAnalyticsWorkspaceName string
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
// Before azd's first deploy there is no image yet: a placeholder that answers on port 80, no probes.
var placeholder = empty(imageName)

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

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsWorkspaceName
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${prefix}-cae'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

// SQLite (no Redis): an Azure Files share for /data, so the state survives restarts and revisions.
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = if (!useRedis) {
  name: take(replace('${prefix}data', '-', ''), 24)
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
  }
}

resource share 'Microsoft.Storage/storageAccounts/fileServices/shares@2023-05-01' = if (!useRedis) {
  name: '${storage.name}/default/bot-data'
  properties: { shareQuota: 5 }
}

resource envStorage 'Microsoft.App/managedEnvironments/storages@2024-03-01' = if (!useRedis) {
  parent: environment
  name: 'bot-data'
  properties: {
    azureFile: {
      accountName: storage.name
      accountKey: storage.listKeys().keys[0].value
      shareName: 'bot-data'
      accessMode: 'ReadWrite'
    }
  }
}

resource redis 'Microsoft.Cache/redis@2024-03-01' existing = if (useRedis) {
  name: redisName
}

var redisUrl = useRedis ? 'rediss://:${uriComponent(redis.listKeys().primaryKey)}@${redis.properties.hostName}:${redis.properties.sslPort}/0' : ''

// A host secret per secret setting (today only STATE_STORE, the Redis URL): by Key Vault reference
// when a vault is given, else the value.
var secrets = [
  for s in secretSettings: empty(keyVaultUri)
    ? { name: s.secretName, value: redisUrl }
    : { name: s.secretName, keyVaultUrl: '${keyVaultUri}secrets/${s.keyVaultSecretName}', identity: identityId }
]
var secretEnv = [for s in secretSettings: { name: s.name, secretRef: s.secretName }]
var sqliteEnv = useRedis ? [] : [{ name: 'STATE_STORE', value: 'sqlite:/data/state.db' }]

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: '${prefix}-bot'
  location: location
  tags: union(tags, { 'azd-service-name': 'bot' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  dependsOn: [acrPull]
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: placeholder ? 80 : 3978
        transport: 'auto'
        allowInsecure: false
      }
      registries: [{ server: registry.properties.loginServer, identity: identityId }]
      secrets: secrets
    }
    template: {
      // SIGTERM, then this long before the kill: above STOP_TIMEOUT_SECONDS (20).
      terminationGracePeriodSeconds: 30
      containers: [
        {
          name: 'bot'
          image: placeholder ? 'mcr.microsoft.com/azuredocs/containerapps-helloworld:latest' : imageName
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: concat(appSettings, secretEnv, sqliteEnv)
          probes: placeholder
            ? []
            : [
                {
                  type: 'Liveness'
                  httpGet: { path: '/healthz', port: 3978 }
                  initialDelaySeconds: 10
                  periodSeconds: 30
                  timeoutSeconds: 5
                  failureThreshold: 3
                }
                {
                  type: 'Readiness'
                  httpGet: { path: '/readyz', port: 3978 }
                  periodSeconds: 10
                  timeoutSeconds: 5
                  failureThreshold: 3
                }
              ]
          volumeMounts: useRedis ? [] : [{ volumeName: 'data', mountPath: '/data' }]
        }
      ]
      // uid/gid 1000: the image's non-root "node" user owns the files; nobrl: SQLite's byte-range locks on SMB.
      volumes: useRedis
        ? []
        : [
            {
              name: 'data'
              storageType: 'AzureFile'
              storageName: envStorage.name
              mountOptions: 'uid=1000,gid=1000,dir_mode=0750,file_mode=0640,nobrl,mfsymlinks'
            }
          ]
      scale: {
        // SQLite allows exactly one process; with Redis, several share the work (README "Running more than one instance").
        minReplicas: replicas
        maxReplicas: replicas
      }
    }
  }
}

output fqdn string = app.properties.configuration.ingress.fqdn
output registryLoginServer string = registry.properties.loginServer
