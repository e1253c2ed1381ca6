// Optional Key Vault for the bot's secrets: the Redis URL (STATE_STORE, with the access key) is
// written here and the host reads it by reference with the bot's identity (Key Vault Secrets User),
// so the key never appears in the host's configuration. RBAC authorization, no access policies.
param name string
param location string
param tags object
param readerPrincipalId string
param redisName string

var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
  }
}

resource redis 'Microsoft.Cache/redis@2024-03-01' existing = if (!empty(redisName)) {
  name: redisName
}

// The URL form README "Azure Cache for Redis" gives: rediss://:<key>@host:6380/0, the key percent-encoded.
resource stateStore 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(redisName)) {
  parent: vault
  name: 'state-store'
  properties: {
    value: 'rediss://:${uriComponent(redis.listKeys().primaryKey)}@${redis.properties.hostName}:${redis.properties.sslPort}/0'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerPrincipalId, keyVaultSecretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output uri string = vault.properties.vaultUri
