// Azure Cache for Redis as README "Azure Cache for Redis" requires: non-clustered (Standard, no
// shards: the Lua scripts and BullMQ touch several keys at once), TLS only on 6380, and
// maxmemory-policy noeviction (BullMQ requires it; evicting a tracked job would lose it).
param name string
param location string
param tags object

@allowed([
  'Standard'
  'Premium'
])
param skuName string = 'Standard'
param capacity int = 1

resource redis 'Microsoft.Cache/redis@2024-03-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: skuName
      family: skuName == 'Premium' ? 'P' : 'C'
      capacity: capacity
    }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    redisConfiguration: {
      'maxmemory-policy': 'noeviction'
    }
  }
}

output name string = redis.name
output hostName string = redis.properties.hostName
output sslPort int = redis.properties.sslPort
