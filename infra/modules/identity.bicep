// The bot's one identity: the Bot Framework app (MicrosoftAppType=UserAssignedMSI) and its ARM
// caller (AZURE_CLIENT_ID). A managed identity has no secret to rotate.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
