// The Azure Bot resource: the managed identity as its app (UserAssignedMSI), the host's
// /api/messages as its endpoint, and the Microsoft Teams channel.
param name string
param tags object
param sku string
param endpoint string
param identityId string
param identityClientId string
param tenantId string
param appInsightsKey string

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: { name: sku }
  properties: {
    displayName: 'Backup Jobs'
    endpoint: endpoint
    msaAppId: identityClientId
    msaAppType: 'UserAssignedMSI'
    msaAppMSIResourceId: identityId
    msaAppTenantId: tenantId
    developerAppInsightKey: appInsightsKey
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

output name string = bot.name
