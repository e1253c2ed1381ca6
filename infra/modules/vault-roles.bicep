// The bot's access to one Recovery Services vault (deployed at the vault's resource group):
// Backup Reader always; Backup Operator too only when actions (job cancellation) are enabled.
param vaultName string
param principalId string
param enableActions bool

// Built-in role definition ids (the same in every tenant and cloud).
var backupReaderRoleId = 'a795c7a0-d4a2-40c1-ae25-d81f01202912'
var backupOperatorRoleId = '00c29273-979b-4161-815c-10b084fb9324'

resource vault 'Microsoft.RecoveryServices/vaults@2024-04-01' existing = {
  name: vaultName
}

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, backupReaderRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', backupReaderRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource operator 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (enableActions) {
  name: guid(vault.id, principalId, backupOperatorRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', backupOperatorRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
